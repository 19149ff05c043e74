//! What the checked model decides about a struct beyond its fields: its typestate builder (the
//! names of its type parameters and marker types), whether it derives `Default`, and which
//! object types are used in requests and so get a builder.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::Ident;
use quote::format_ident;

use crate::diag::Diagnostics;
use crate::model::{Builder, BuilderState, Presence, Setters, Slot, Struct, Ty};
use crate::names;
use crate::spec::Spec;

/// The builder of `s`: one typestate slot per required field and per exactly-one-of group.
///
/// Each slot has a marker type, named after its parameter(s) (`ListenerName`,
/// `ProxyIdOrGroupId`), that compile errors print, and a type parameter named after the marker
/// with `State` appended, so that rustdoc never shows a type parameter with the name of an enum
/// a setter takes (`scheduler(self, value: Scheduler)`). A clash between these names, or with a
/// type the builder's signatures mention, is a problem of the spec: it is reported, never
/// renamed behind the author's back.
pub fn builder(
    s: &Struct,
    ident: Ident,
    markers: Vec<Ident>,
    at: &str,
    diags: &mut Diagnostics,
) -> Option<Builder> {
    let before = diags.items().len();
    let mut states = Vec::new();
    let mut setters = Vec::new();
    for entry in &s.slots {
        let (marker_source, label) = match entry {
            Slot::Field(f) if f.presence == Presence::Required => (f.wire.clone(), f.wire.clone()),
            Slot::Field(f) => {
                let set_or_clear = (f.presence == Presence::Optional)
                    .then(|| format_ident!("set_{}", names::unraw(&f.ident)));
                setters.push(Setters::Optional {
                    field: Box::new(f.clone()),
                    set_or_clear,
                });
                continue;
            }
            Slot::Choice(c) => {
                let wires: Vec<&str> = c.variants.iter().map(|v| v.field.wire.as_str()).collect();
                (wires.join("Or"), wires.join(" | "))
            }
        };
        let Ok(marker) = names::type_ident(&marker_source)
            .map_err(|reason| diags.error(at, format!("builder of `{}`: {reason}", s.wire)))
        else {
            continue;
        };
        let param = format_ident!("{}State", names::unraw(&marker));
        setters.push(Setters::State(states.len()));
        states.push(BuilderState {
            slot: entry.clone(),
            param,
            marker,
            label,
        });
    }

    // The names the builder's signatures mention, which a type parameter must not shadow in
    // the reader's eye.
    let mut mentioned: BTreeSet<String> = ["Unset", "Set", "Self"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    mentioned.insert(s.ident.to_string());
    mentioned.insert(ident.to_string());
    for field in s.all_fields() {
        if let Ty::Enum(r) | Ty::Object(r) = field.ty.element() {
            mentioned.insert(r.ident.to_string());
        }
    }
    for choice in s.choices() {
        mentioned.insert(choice.enum_ident.to_string());
    }
    let mut markers_seen: BTreeMap<String, &str> = BTreeMap::new();
    let mut params_seen: BTreeSet<String> = BTreeSet::new();
    for state in &states {
        let marker = state.marker.to_string();
        if let Some(first) = markers_seen.insert(marker.clone(), &state.label) {
            diags.error(
                at,
                format!(
                    "the builder of `{}` names both `{first}` and `{}` `{marker}`; give the \
                     exactly-one-of rule another `name` or rename the member",
                    s.wire, state.label
                ),
            );
        }
        let param = state.param.to_string();
        if !params_seen.insert(param.clone()) || mentioned.contains(&param) {
            diags.error(
                at,
                format!(
                    "the builder of `{}` would have a type parameter `{param}` that clashes with \
                     another name it uses; rename the member or the type",
                    s.wire
                ),
            );
        }
    }
    check_method_names(s, &states, &setters, at, diags);
    if diags.items().len() != before {
        return None;
    }
    let optionals = format_ident!("{}Optionals", ident);
    Some(Builder {
        ident,
        optionals,
        markers,
        states,
        setters,
    })
}

/// Two members whose setters share a name (`X` and `SetX`: `set_x` twice), or a member named
/// like the builder's own methods (`New`, `Build`), are reported: rustc would otherwise point
/// inside the macro's expansion.
fn check_method_names(
    s: &Struct,
    states: &[BuilderState],
    setters: &[Setters],
    at: &str,
    diags: &mut Diagnostics,
) {
    let mut seen: BTreeMap<String, String> = [("new", "the builder"), ("build", "the builder")]
        .into_iter()
        .map(|(name, owner)| (name.to_owned(), owner.to_owned()))
        .collect();
    let mut methods: Vec<(String, String)> = Vec::new();
    for setter in setters {
        match setter {
            Setters::Optional {
                field,
                set_or_clear,
            } => {
                methods.push((names::unraw(&field.ident), field.wire.clone()));
                if let Some(set) = set_or_clear {
                    methods.push((set.to_string(), field.wire.clone()));
                }
            }
            Setters::State(i) => match states.get(*i).map(|state| &state.slot) {
                Some(Slot::Field(f)) => methods.push((names::unraw(&f.ident), f.wire.clone())),
                Some(Slot::Choice(c)) => {
                    methods.push((names::unraw(&c.field_ident), c.enum_ident.to_string()));
                    for v in &c.variants {
                        methods.push((names::unraw(&v.setter), v.field.wire.clone()));
                    }
                }
                None => {}
            },
        }
    }
    for (method, owner) in methods {
        if let Some(first) = seen.insert(method.clone(), owner.clone()) {
            diags.error(
                at,
                format!(
                    "the builder of `{}` would have two methods `{method}` (for {first} and \
                     {owner}); rename a member",
                    s.wire
                ),
            );
        }
    }
}

/// Whether every field has an empty value (no required enum, object or exactly-one-of group),
/// so that the struct can derive `Default`.
pub fn has_default(s: &Struct) -> bool {
    s.slots.iter().all(|slot| match slot {
        Slot::Choice(_) => false,
        Slot::Field(f) => {
            f.presence != Presence::Required || matches!(f.ty, Ty::Scalar(_) | Ty::Array(_))
        }
    })
}

/// The object types a spec's request reaches, through members of object types and arrays.
pub fn request_side_types(spec: &Spec) -> BTreeSet<String> {
    fn base(ty: &str) -> &str {
        let mut base = ty.trim();
        while let Some(inner) = base.strip_suffix("[]") {
            base = inner.trim_end();
        }
        base
    }
    let mut out = BTreeSet::new();
    let mut stack: Vec<&str> = spec.request.iter().map(|m| base(&m.ty)).collect();
    while let Some(name) = stack.pop() {
        let Some(members) = spec.types.get(name).and_then(|def| def.members.as_ref()) else {
            continue;
        };
        if out.insert(name.to_owned()) {
            stack.extend(members.iter().map(|m| base(&m.ty)));
        }
    }
    out
}
