//! Help from the specs: an action's parameters with their types, constraints, documented values
//! and docs, its rules, its documented examples as command lines and its error codes; the list
//! of actions; the JSON skeletons of `--generate-cli-skeleton`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;

use crate::spec::{Lang, Member, Scalar, Shape, Spec, members};

/// `gaap <Action> --help`.
pub fn action_help(spec: &Spec, lang: Lang) -> String {
    let mut out = String::new();
    let title = lang.pick(&spec.title, &spec.title_zh);
    let _ = writeln!(
        out,
        "gaap {}{}",
        spec.action,
        if title.is_empty() {
            String::new()
        } else {
            format!(": {title}")
        }
    );
    let description = lang.pick(&spec.description, &spec.description_zh);
    if !description.is_empty() {
        let _ = writeln!(out, "\n{}", wrap(description, 0));
    }
    let _ = writeln!(
        out,
        "\nUsage: gaap {}{} [OPTIONS]",
        spec.action,
        usage_params(spec)
    );

    let _ = writeln!(out, "\nParameters (API version {}):", spec.version);
    if spec.request.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for member in &spec.request {
        member_help(spec, member, lang, "  ", &mut out);
    }

    let mut objects = BTreeSet::new();
    for member in &spec.request {
        collect_objects(spec, &member.ty, &mut objects);
    }
    if !objects.is_empty() {
        let _ = writeln!(
            out,
            "\nObject types (give one as JSON, or member by member: --Param.Member value, --Param.0.Member value):"
        );
        for name in objects {
            let Some(def) = spec.types.get(name) else {
                continue;
            };
            let doc = lang.pick(&def.doc, &def.doc_zh);
            let _ = writeln!(
                out,
                "  {name}{}",
                if doc.is_empty() {
                    String::new()
                } else {
                    format!(": {doc}")
                }
            );
            for member in members(def) {
                member_help(spec, member, lang, "    ", &mut out);
            }
            for rule in &def.rules {
                rule_help(rule, "    rule: ", &mut out);
            }
        }
    }

    if !spec.rules.is_empty() {
        let _ = writeln!(out, "\nRules:");
        for rule in &spec.rules {
            rule_help(rule, "  ", &mut out);
        }
    }

    if let Some(pages) = &spec.pagination {
        let _ = writeln!(
            out,
            "\nPages:\n{}",
            wrap_indented(
                &format!(
                    "--all-pages follows every page ({}, {}) and prints one answer: the {} of all \
                     pages, {} and the rest as the last page says. Pages of --{} items if given, \
                     else {}.",
                    pages.offset,
                    pages.limit,
                    pages.items,
                    pages.total,
                    pages.limit,
                    pages.max_page_size
                ),
                "  "
            )
        );
    }

    if !spec.waiters.is_empty() {
        let _ = writeln!(
            out,
            "\nWaiters (--wait NAME repeats this command until the resource is in the state waited \
             for;\n--wait-timeout and --wait-interval change the timing):"
        );
        for (name, waiter) in &spec.waiters {
            let _ = writeln!(
                out,
                "  {name} (every {}-{} s, at most {} s)",
                waiter.min_delay, waiter.max_delay, waiter.max_wait
            );
            if !waiter.doc.is_empty() {
                let _ = writeln!(out, "{}", wrap_indented(&waiter.doc, "      "));
            }
        }
    }

    // A GET and a POST example of the same call read as the same command line: shown once.
    let mut seen = BTreeSet::new();
    let examples: Vec<_> = spec
        .examples
        .iter()
        .filter_map(|e| Some((e, example_command(spec, e)?)))
        .filter(|(_, command)| seen.insert(command.clone()))
        .collect();
    if !examples.is_empty() {
        let _ = writeln!(out, "\nExamples (from the documentation):");
        for (example, command) in examples {
            let title = example.title.as_str();
            if !title.is_empty() {
                let _ = writeln!(out, "  # {title}");
            }
            if !example.violations.is_empty() {
                let _ = writeln!(
                    out,
                    "  # breaks the documented rules at {}: refused unless sent with --no-validate",
                    example.violations.join(", ")
                );
            }
            let _ = writeln!(out, "  {command}\n");
        }
        out.pop();
    }

    if !spec.errors.is_empty() {
        let _ = writeln!(
            out,
            "\nError codes of this action (besides the common ones):"
        );
        let width = spec.errors.iter().map(|e| e.code.len()).max().unwrap_or(0);
        for error in &spec.errors {
            let _ = writeln!(
                out,
                "  {:width$}  {}",
                error.code,
                lang.pick(&error.description, &error.description_zh)
            );
        }
    }
    let _ = writeln!(
        out,
        "\nGlobal options (--dry-run, --emulator, --output, --filter, --cli-input-json, ...): gaap --help"
    );
    out
}

/// The required parameters in the usage line, and the exactly-one-of groups.
fn usage_params(spec: &Spec) -> String {
    let mut out = String::new();
    let mut grouped = BTreeSet::new();
    for rule in &spec.rules {
        if let Some(params) = &rule.exactly_one_of {
            let alternatives: Vec<String> = params
                .iter()
                .map(|p| {
                    format!(
                        "--{p} <{}>",
                        spec.request_member(p)
                            .map_or_else(|| "?".to_owned(), |m| spec.wire_type(&m.ty))
                    )
                })
                .collect();
            let _ = write!(out, " ({})", alternatives.join(" | "));
            grouped.extend(params.iter().map(String::as_str));
        }
    }
    let mut required = String::new();
    for member in spec
        .request
        .iter()
        .filter(|m| m.required && !grouped.contains(m.name.as_str()))
    {
        let _ = write!(
            required,
            " --{} <{}>",
            member.name,
            spec.wire_type(&member.ty)
        );
    }
    required + &out
}

fn member_help(spec: &Spec, member: &Member, lang: Lang, indent: &str, out: &mut String) {
    let mut facts = Vec::new();
    if member.required {
        facts.push("required".to_owned());
    }
    if member.sensitive {
        facts.push("secret".to_owned());
    }
    let array = member.ty.ends_with("[]");
    if let Some(range) = &member.range {
        let bound =
            |n: &Option<serde_json::Number>| n.as_ref().map_or("…".to_owned(), ToString::to_string);
        facts.push(format!(
            "{}in [{}, {}]",
            if array { "each " } else { "" },
            bound(&range.min),
            bound(&range.max)
        ));
    }
    if let Some(length) = &member.length {
        facts.push(format!(
            "{}length {}",
            if array { "each " } else { "" },
            bounds_text(length.min, length.max)
        ));
    }
    if let Some(items) = &member.items {
        if items.min.is_some() || items.max.is_some() {
            facts.push(format!("elements: {}", bounds_text(items.min, items.max)));
        }
        if items.unique {
            facts.push("unique".to_owned());
        }
    }
    let ty = spec.wire_type(&member.ty);
    let shown_type = match spec.member_shape(member) {
        Shape::Array(element) => match spec.shape(element, None) {
            Shape::Scalar(..) => format!("{ty} (JSON '[…]' or values a b)"),
            _ => format!("{ty} (JSON)"),
        },
        Shape::Object(..) => format!("{ty} (JSON)"),
        Shape::Scalar(Scalar::Bool, _) => format!("{ty} (true|false)"),
        _ => ty,
    };
    let _ = writeln!(
        out,
        "{indent}--{} <{shown_type}>{}",
        member.name,
        if facts.is_empty() {
            String::new()
        } else {
            format!("  [{}]", facts.join("; "))
        }
    );
    let inner = format!("{indent}      ");
    let doc = lang.pick(&member.doc, &member.doc_zh);
    if !doc.is_empty() {
        let _ = writeln!(out, "{}", wrap_indented(doc, &inner));
    }
    let values = match spec.member_shape(member) {
        Shape::Scalar(_, Some(values)) => Some(values),
        Shape::Array(element) => match spec.shape(element, member.enum_values.as_deref()) {
            Shape::Scalar(_, Some(values)) => Some(values),
            _ => None,
        },
        _ => None,
    };
    if let Some(values) = values {
        let width = values
            .iter()
            .map(|v| crate::spec::enum_text(v).len())
            .max()
            .unwrap_or(0);
        let _ = writeln!(out, "{inner}values:");
        for value in values {
            let doc = lang.pick(&value.doc, &value.doc_zh);
            let _ = writeln!(
                out,
                "{inner}  {:width$}  {}{}",
                crate::spec::enum_text(value),
                value.name.as_deref().unwrap_or(""),
                if doc.is_empty() {
                    String::new()
                } else {
                    format!(": {doc}")
                }
            );
        }
    }
}

fn bounds_text(min: Option<u64>, max: Option<u64>) -> String {
    match (min, max) {
        (Some(min), Some(max)) if min == max => format!("{min}"),
        (Some(min), Some(max)) => format!("{min} to {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => "any".to_owned(),
    }
}

fn rule_help(rule: &crate::spec::RuleSpec, indent: &str, out: &mut String) {
    let doc = rule.doc.as_str();
    let _ = writeln!(
        out,
        "{indent}{}{}",
        crate::spec::describe_rule(rule),
        if doc.is_empty() {
            String::new()
        } else {
            format!(" ({doc})")
        }
    );
}

/// The object types reachable from a type, by name.
fn collect_objects<'s>(spec: &'s Spec, ty: &'s str, out: &mut BTreeSet<&'s str>) {
    match spec.shape(ty, None) {
        Shape::Array(element) => collect_objects(spec, element, out),
        Shape::Object(name, def) => {
            if out.insert(name) {
                for member in members(def) {
                    collect_objects(spec, &member.ty, out);
                }
            }
        }
        Shape::Scalar(..) | Shape::Unknown(_) => {}
    }
}

/// Breaks `text` into lines of at most 100 columns, each prefixed by `indent`.
fn wrap_indented(text: &str, indent: &str) -> String {
    let mut out = String::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut width = 0;
        for word in split_words(paragraph) {
            let word_width = unicode_width::UnicodeWidthStr::width(word.as_str());
            if width + word_width > 100usize.saturating_sub(indent.len()) && !line.is_empty() {
                let _ = writeln!(out, "{indent}{}", line.trim_end());
                line.clear();
                width = 0;
            }
            line.push_str(&word);
            width += word_width;
        }
        let _ = writeln!(out, "{indent}{}", line.trim_end());
    }
    out.truncate(out.trim_end().len());
    out
}

fn wrap(text: &str, indent: usize) -> String {
    wrap_indented(text, &" ".repeat(indent))
}

/// Words with their following space; each Han character is a word of its own, so that Chinese
/// text wraps anywhere.
fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let wide = unicode_width::UnicodeWidthChar::width(c) == Some(2);
        if wide {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            words.push(c.to_string());
        } else {
            current.push(c);
            if c == ' ' {
                words.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// A documented example as a command line: a JSON body's top-level keys, or a GET query read
/// back into JSON, each as `--Name value`.
pub fn example_command(spec: &Spec, example: &crate::spec::Example) -> Option<String> {
    let body = match (&example.body, &example.query) {
        (Some(Value::Object(body)), _) => body.clone(),
        (_, Some(query)) => {
            let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .filter(|(key, _)| {
                    spec.request_member(key.split('.').next().unwrap_or(""))
                        .is_some()
                })
                .collect();
            match gaap::wire::unflatten(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
                Ok(Value::Object(map)) => map,
                _ => return None,
            }
        }
        _ => return None,
    };
    let mut command = format!("gaap {}", spec.action);
    // The spec's order, not the map's.
    for member in &spec.request {
        let Some(value) = body.get(&member.name) else {
            continue;
        };
        let value = typed(spec, spec.member_shape(member), member, value.clone());
        let text = match value {
            Value::String(s) => s,
            other => other.to_string(),
        };
        let _ = write!(command, " --{} {}", member.name, shell_quote(&text));
    }
    Some(command)
}

/// A documented value with the types the spec gives (examples send integers as strings, a GET
/// query has nothing but strings), so that it prints as a user would type it.
fn typed(spec: &Spec, shape: Shape<'_>, member: &Member, value: Value) -> Value {
    match (shape, value) {
        (Shape::Scalar(scalar, _), Value::String(text)) if scalar != Scalar::String => {
            crate::params::scalar_value(scalar, &text)
        }
        (Shape::Array(element), Value::Array(items)) => {
            let inner = spec.shape(element, member.enum_values.as_deref());
            Value::Array(
                items
                    .into_iter()
                    .map(|item| typed(spec, inner, member, item))
                    .collect(),
            )
        }
        (Shape::Object(_, def), Value::Object(map)) => Value::Object(
            map.into_iter()
                .map(|(key, item)| {
                    let typed_item = match members(def).iter().find(|m| m.name == key) {
                        Some(inner) => typed(spec, spec.member_shape(inner), inner, item),
                        None => item,
                    };
                    (key, typed_item)
                })
                .collect(),
        ),
        (_, value) => value,
    }
}

/// Quotes `text` for a POSIX shell when it needs it.
pub fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:,=@%+".contains(c) || !c.is_ascii());
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// `gaap --help`'s list of actions with their titles.
pub fn action_list(lang: Lang) -> String {
    let names: Vec<&str> = crate::spec::action_names().collect();
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let mut out = String::from("Actions (gaap <Action> --help for its parameters):\n");
    for name in names {
        let title = crate::spec::load(name)
            .map(|spec| lang.pick(&spec.title, &spec.title_zh).to_owned())
            .unwrap_or_default();
        let _ = writeln!(out, "  {name:width$}  {title}");
    }
    out
}

/// A JSON skeleton of the request (`input`) or the answer (`output`), in tccli's form: each
/// scalar as its type name (`"Integer"`), each list with one element, members in spec order.
pub fn skeleton(spec: &Spec, input: bool) -> String {
    let members = if input { &spec.request } else { &spec.response };
    crate::output::json(&Skeleton {
        spec,
        members,
        seen: Vec::new(),
    })
}

/// Serializes a skeleton in spec order (serde_json's own maps would sort the keys).
struct Skeleton<'s> {
    spec: &'s Spec,
    members: &'s [Member],
    /// Object types being expanded, to stop at a type that contains itself.
    seen: Vec<&'s str>,
}

enum SkeletonValue<'s> {
    Text(&'static str),
    Object(Skeleton<'s>),
    List(Box<SkeletonValue<'s>>),
}

impl<'s> Skeleton<'s> {
    fn value(
        &self,
        ty: &'s str,
        enum_values: Option<&'s [crate::spec::EnumValue]>,
    ) -> SkeletonValue<'s> {
        match self.spec.shape(ty, enum_values) {
            Shape::Scalar(scalar, _) => SkeletonValue::Text(crate::spec::tccli_name(scalar)),
            Shape::Array(element) => {
                SkeletonValue::List(Box::new(self.value(element, enum_values)))
            }
            Shape::Object(name, _) if self.seen.contains(&name) => SkeletonValue::Text("Object"),
            Shape::Object(name, def) => {
                let mut seen = self.seen.clone();
                seen.push(name);
                SkeletonValue::Object(Skeleton {
                    spec: self.spec,
                    members: members(def),
                    seen,
                })
            }
            Shape::Unknown(_) => SkeletonValue::Text("Object"),
        }
    }
}

impl Serialize for Skeleton<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.members.len()))?;
        for member in self.members {
            map.serialize_entry(
                &member.name,
                &self.value(&member.ty, member.enum_values.as_deref()),
            )?;
        }
        map.end()
    }
}

impl Serialize for SkeletonValue<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            SkeletonValue::Text(text) => serializer.serialize_str(text),
            SkeletonValue::Object(object) => object.serialize(serializer),
            SkeletonValue::List(element) => [element.as_ref()].serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::load;

    #[test]
    fn the_seed_example_reads_as_a_command_line() {
        let spec = load("CreateTCPListeners").unwrap();
        let commands: Vec<String> = spec
            .examples
            .iter()
            .filter_map(|e| example_command(&spec, e))
            .collect();
        assert_eq!(
            commands[0],
            "gaap CreateTCPListeners --ListenerName test1 --Ports '[90]' --Scheduler rr \
             --HealthCheck 1 --RealServerType IP --ProxyId link-bjkpdum1 --DelayLoop 20 \
             --ConnectTimeout 20"
        );
    }

    #[test]
    fn skeletons_follow_the_spec_order_and_tccli_s_type_names() {
        let spec = load("CreateTCPListeners").unwrap();
        let skeleton = skeleton(&spec, true);
        assert!(
            skeleton.starts_with("{\n    \"ListenerName\": \"String\",\n    \"Ports\": [\n        \"Integer\"\n    ],"),
            "{skeleton}"
        );
        let spec = load("DescribeProxies").unwrap();
        let value: Value = serde_json::from_str(&super::skeleton(&spec, true)).unwrap();
        assert_eq!(value["Filters"][0]["Values"][0], "String");
        let output: Value = serde_json::from_str(&super::skeleton(&spec, false)).unwrap();
        assert_eq!(output["RequestId"], "String");
    }

    #[test]
    fn quoting_and_wrapping() {
        assert_eq!(shell_quote("link-1"), "link-1");
        assert_eq!(shell_quote("[90]"), "'[90]'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        let wrapped = wrap_indented(&"word ".repeat(60), "  ");
        assert!(
            wrapped
                .lines()
                .all(|l| l.len() <= 100 && l.starts_with("  word")),
            "{wrapped}"
        );
    }
}
