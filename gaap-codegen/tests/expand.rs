//! The generator on token streams, without compiling a crate: what each spec produces, what
//! each kind of bad spec reports, and that no spec makes it panic.

use gaap_codegen::diag::Diagnostics;
use gaap_codegen::{Options, expand_action_str};
use proptest::prelude::*;
use serde_json::{Value, json};

const SEED_SPEC: &str = include_str!("../../specs/CreateTCPListeners.json");

fn expand(spec: &Value) -> Result<syn::File, Diagnostics> {
    let tokens = expand_action_str("spec.json", &spec.to_string(), &Options::default())?;
    Ok(syn::parse2(tokens).expect("the generator emits valid Rust"))
}

fn seed() -> Value {
    serde_json::from_str(SEED_SPEC).unwrap()
}

/// The items of the generated action module.
fn module_items(file: &syn::File) -> &[syn::Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) => m.content.as_ref().map(|(_, items)| items.as_slice()),
            _ => None,
        })
        .expect("an action expands to a module")
}

/// The items of the action module's `types` submodule.
fn types_items(items: &[syn::Item]) -> &[syn::Item] {
    items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                m.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .expect("the action module has a types module")
}

fn find_struct<'a>(items: &'a [syn::Item], name: &str) -> &'a syn::ItemStruct {
    items
        .iter()
        .find_map(|i| match i {
            syn::Item::Struct(s) if s.ident == name => Some(s),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no struct {name}"))
}

fn find_enum<'a>(items: &'a [syn::Item], name: &str) -> &'a syn::ItemEnum {
    items
        .iter()
        .find_map(|i| match i {
            syn::Item::Enum(e) if e.ident == name => Some(e),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no enum {name}"))
}

fn variant_names(e: &syn::ItemEnum) -> Vec<String> {
    e.variants.iter().map(|v| v.ident.to_string()).collect()
}

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

/// The `(json path, message)` of every problem a spec has.
fn problems(spec: &Value) -> Vec<(String, String)> {
    match expand(spec) {
        Ok(_) => Vec::new(),
        Err(diags) => diags
            .items()
            .iter()
            .map(|d| (d.json_path.clone(), d.message.clone()))
            .collect(),
    }
}

#[test]
fn the_seed_spec_expands_to_a_module_with_the_documented_types() {
    let file = expand(&seed()).unwrap();
    let syn::Item::Mod(module) = &file.items[0] else {
        panic!("first item is the module");
    };
    assert_eq!(module.ident, "create_tcp_listeners");
    let items = module_items(&file);

    let request = find_struct(items, "CreateTcpListenersRequest");
    let fields: Vec<String> = request
        .fields
        .iter()
        .map(|f| f.ident.as_ref().unwrap().to_string())
        .collect();
    // 14 parameters; ProxyId and GroupId are one field, `target`.
    assert_eq!(
        fields,
        [
            "listener_name",
            "ports",
            "scheduler",
            "health_check",
            "real_server_type",
            "target",
            "delay_loop",
            "connect_timeout",
            "real_server_ports",
            "client_ip_method",
            "failover_switch",
            "healthy_threshold",
            "unhealthy_threshold"
        ]
    );
    assert!(
        request.fields.iter().all(|f| has_doc(&f.attrs)),
        "every field is documented"
    );

    let builder = find_struct(items, "CreateTcpListenersRequestBuilder");
    let params: Vec<String> = builder
        .generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    assert_eq!(
        params,
        [
            "ListenerNameState",
            "PortsState",
            "SchedulerState",
            "HealthCheckState",
            "RealServerTypeState",
            "ProxyIdOrGroupIdState"
        ],
        "one typestate per required parameter and per exactly-one-of group, named apart from \
         the enums the setters take"
    );

    assert_eq!(
        variant_names(find_enum(items, "Target")),
        ["ProxyId", "GroupId"]
    );
    // Scheduler is a named type of the spec (shared with the listeners of responses), generated
    // in the types module and re-exported beside the request.
    let reexported: Vec<String> = items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Use(u) => Some(quote::ToTokens::to_token_stream(u).to_string()),
            _ => None,
        })
        .collect();
    assert!(
        reexported.iter().any(|u| u.contains("Scheduler")),
        "named enums of the request are re-exported into the action module: {reexported:?}"
    );
    assert_eq!(
        variant_names(find_enum(types_items(items), "Scheduler")),
        [
            "RoundRobin",
            "WeightedRoundRobin",
            "LeastConnections",
            "LeastResponseTime"
        ],
        "a request-only enum is closed: no Unknown"
    );

    let error = find_enum(items, "CreateTcpListenersError");
    let codes = variant_names(error);
    assert!(codes.contains(&"InvalidParameterValueDuplicatedListenerPort".to_owned()));
    assert!(
        codes.contains(&"InternalError".to_owned()),
        "a common code the action lists keeps its own variant"
    );
    assert!(
        !codes.contains(&"RequestLimitExceeded".to_owned()),
        "the common codes it does not list are CommonError's"
    );
    assert_eq!(
        codes[codes.len() - 2..],
        ["Common".to_owned(), "Unknown".to_owned()]
    );
    // The 24 codes the action documents (9 of them also common: FailedOperation, InternalError,
    // InvalidParameter, InvalidParameterValue, MissingParameter, ResourceNotFound,
    // ResourceUnavailable, UnsupportedOperation, AuthFailure.UnauthorizedOperation), `Common`
    // and `Unknown`.
    assert_eq!(codes.len(), 24 + 2);
    assert!(error.variants.iter().all(|v| has_doc(&v.attrs)));
}

#[test]
fn the_action_impl_carries_the_spec_facts() {
    let file = expand(&seed()).unwrap();
    let items = module_items(&file);
    let action_impl = items
        .iter()
        .find_map(|i| match i {
            syn::Item::Impl(im)
                if im.trait_.as_ref().is_some_and(|(p, _)| {
                    p.segments.last().is_some_and(|s| s.ident == "Action")
                }) =>
            {
                Some(im)
            }
            _ => None,
        })
        .expect("an impl of the runtime's Action trait");
    let consts: Vec<(String, String)> = action_impl
        .items
        .iter()
        .filter_map(|i| match i {
            syn::ImplItem::Const(c) => Some((
                c.ident.to_string(),
                quote::ToTokens::to_token_stream(&c.expr).to_string(),
            )),
            _ => None,
        })
        .collect();
    let get = |name: &str| {
        consts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("ACTION"), Some("\"CreateTCPListeners\""));
    assert_eq!(get("VERSION"), Some("\"2018-05-29\""));
    assert_eq!(get("HOST"), Some("\"gaap.tencentcloudapi.com\""));
    assert_eq!(
        get("RATE_LIMIT_PER_SECOND"),
        Some(":: core :: option :: Option :: Some (20u32)")
    );
    assert!(get("REGION").unwrap().ends_with("RegionRule :: None"));
    assert!(get("IDEMPOTENCY").unwrap().ends_with("Idempotency :: None"));
}

#[test]
fn enums_reached_from_the_response_are_open() {
    let mut spec = seed();
    spec["response"].as_array_mut().unwrap().insert(
        0,
        json!({"name": "Scheduler", "type": "string", "enum": [{"value": "rr"}, {"value": "lc"}], "enum_name": "ListenerScheduler"}),
    );
    let file = expand(&spec).unwrap();
    let items = module_items(&file);
    assert_eq!(
        variant_names(find_enum(items, "ListenerScheduler")),
        ["Rr", "Lc", "Unknown"]
    );
    // Only what a request can hold is flattened and validated: a response-only enum has neither
    // impl, the request's enums have both.
    let impls_of = |items: &[syn::Item], ty: &str| -> Vec<String> {
        items
            .iter()
            .filter_map(|i| match i {
                syn::Item::Impl(im)
                    if quote::ToTokens::to_token_stream(&im.self_ty).to_string() == ty =>
                {
                    im.trait_
                        .as_ref()
                        .and_then(|(p, _)| p.segments.last())
                        .map(|s| s.ident.to_string())
                }
                _ => None,
            })
            .collect()
    };
    let response_only = impls_of(items, "ListenerScheduler");
    assert!(response_only.contains(&"FromJson".to_owned()));
    assert!(
        !response_only.contains(&"Flatten".to_owned())
            && !response_only.contains(&"Validate".to_owned())
    );
    let request_side = impls_of(types_items(items), "Scheduler");
    assert!(
        request_side.contains(&"Flatten".to_owned())
            && request_side.contains(&"Validate".to_owned())
    );
}

#[test]
fn a_file_expansion_includes_the_spec_so_cargo_rebuilds_on_change() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/CreateTCPListeners.json");
    let tokens =
        gaap_codegen::expand_action("specs/CreateTCPListeners.json", &path, &Options::default());
    let text = tokens.to_string();
    let include = format!("include_bytes ! ({:?})", path.to_string_lossy());
    assert!(
        text.contains(&include),
        "no include_bytes of the spec in the expansion"
    );
}

#[test]
fn shared_types_paths_are_resolved_from_the_action_module() {
    let cases = [
        ("crate::types", "crate :: types :: Widget"),
        ("::other::types", ":: other :: types :: Widget"),
        ("types", "super :: types :: Widget"),
        ("self::types", "super :: types :: Widget"),
        ("super::types", "super :: super :: types :: Widget"),
    ];
    let spec: Value =
        serde_json::from_str(include_str!("../../tests/specs/CreateWidgets.json")).unwrap();
    for (path, expected) in cases {
        let options = Options {
            shared_types: Some(syn::parse_str(path).unwrap()),
            ..Options::default()
        };
        let tokens = expand_action_str("w.json", &spec.to_string(), &options).unwrap();
        let text = tokens.to_string();
        assert!(
            text.contains(expected),
            "`types = {path}` should refer to `{expected}`"
        );
        assert!(
            !text.contains("pub mod types"),
            "shared types are not generated again"
        );
    }
}

#[test]
fn each_kind_of_bad_spec_is_reported_at_its_json_path() {
    type Mutation = fn(&mut Value);
    let cases: &[(&str, Mutation, &str, &str)] = &[
        (
            "unknown type",
            |s| s["request"][1]["type"] = json!("uint46"),
            "$.request[1].type",
            "unknown type `uint46`",
        ),
        (
            "min > max",
            |s| s["request"][7]["range"] = json!({"min": 300, "max": 5}),
            "$.request[7].range",
            "min 300 is greater than max 5",
        ),
        (
            "bound outside the type",
            |s| s["request"][7]["range"] = json!({"min": -1}),
            "$.request[7].range.min",
            "-1 is not a value of the member's type uint64",
        ),
        (
            "range on a string",
            |s| s["request"][0]["range"] = json!({"min": 1}),
            "$.request[0].range",
            "only numbers have ranges",
        ),
        (
            "items on a scalar",
            |s| s["request"][0]["items"] = json!({"min": 1}),
            "$.request[0].items",
            "only arrays have items",
        ),
        (
            "enum value of the wrong type",
            |s| s["types"]["Scheduler"]["enum"][0]["value"] = json!(1),
            "$.types.Scheduler.enum[0].value",
            "enum value 1 is not of the parameter's type string",
        ),
        (
            "integer enum value without a name",
            |s| s["types"]["HealthCheck"]["enum"][0]["name"] = Value::Null,
            "$.types.HealthCheck.enum[0].name",
            "give the value a `name`",
        ),
        (
            "duplicate enum value",
            |s| s["types"]["Scheduler"]["enum"][1]["value"] = json!("rr"),
            "$.types.Scheduler.enum[1].value",
            "enum value `rr` is listed twice",
        ),
        (
            "rule naming an unknown parameter",
            |s| s["rules"][1]["less_than"][1] = json!("Delay"),
            "$.rules[1].less_than[1]",
            "the rule names `Delay`",
        ),
        (
            "rule comparing with a non-value",
            |s| s["rules"][2]["when"]["equals"] = json!("FQDN"),
            "$.rules[2].when.equals",
            "not one of the documented values of `RealServerType`",
        ),
        (
            "required member in exactly_one_of",
            |s| s["request"][5]["required"] = json!(true),
            "$.rules[0].exactly_one_of[0]",
            "`ProxyId` is required",
        ),
        (
            "sensitive member in exactly_one_of",
            |s| s["request"][5]["sensitive"] = json!(true),
            "$.rules[0].exactly_one_of[0]",
            "`ProxyId` is sensitive",
        ),
        (
            "duplicate member",
            |s| s["request"][1]["name"] = json!("ListenerName"),
            "$.request[1].name",
            "duplicate name `ListenerName`",
        ),
        (
            "same Rust name",
            |s| s["request"][1]["name"] = json!("LISTENER_NAME"),
            "$.request[1].name",
            "are both `listener_name` in Rust",
        ),
        (
            "no identifier",
            |s| s["request"][0]["name"] = json!("1st"),
            "$.request[0].name",
            "not a valid Rust identifier",
        ),
        (
            "keyword that cannot be raw",
            |s| s["request"][0]["name"] = json!("Self"),
            "$.request[0].name",
            "not a valid Rust identifier",
        ),
        (
            "missing RequestId",
            |s| {
                s["response"].as_array_mut().unwrap().pop();
            },
            "$.response",
            "`RequestId`",
        ),
        (
            "bad error code",
            |s| s["errors"][0]["code"] = json!("Auth Failure"),
            "$.errors[0].code",
            "is no error code",
        ),
        (
            "wrong format version",
            |s| s["format"] = json!(2),
            "$.format",
            "this generator reads format 1",
        ),
        (
            "unknown key",
            |s| s["request"][0]["requried"] = json!(true),
            "$.request[0].requried",
            "unknown field `requried`",
        ),
        (
            "key of the wrong type",
            |s| s["rate_limit"] = json!("20/s"),
            "$.rate_limit",
            "invalid type: string",
        ),
        (
            "unknown named type",
            |s| s["request"][0]["type"] = json!("Listener[]"),
            "$.request[0].type",
            "unknown type `Listener[]`",
        ),
        (
            "builder type parameter with the name of an enum",
            |s| {
                s["request"].as_array_mut().unwrap().push(json!({
                    "name": "Mode", "type": "string", "enum": [{"value": "a"}, {"value": "b"}],
                    "enum_name": "ListenerNameState"
                }));
            },
            "$.request",
            "type parameter `ListenerNameState`",
        ),
        (
            "a member whose setter is another's set_x",
            |s| {
                s["request"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": "SetDelayLoop", "type": "int64"}));
            },
            "$.request",
            "two methods `set_delay_loop`",
        ),
        (
            "a member named like the builder's build()",
            |s| {
                s["request"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": "Build", "type": "string"}));
            },
            "$.request",
            "two methods `build`",
        ),
        (
            "recursive type",
            |s| {
                s["types"] = json!({"Node": {"members": [{"name": "Next", "type": "Node"}]}});
            },
            "$.types.Node",
            "contains itself",
        ),
    ];
    for (what, mutate, path, fragment) in cases {
        let mut spec = seed();
        mutate(&mut spec);
        let found = problems(&spec);
        assert!(
            found.iter().any(|(p, m)| p == path && m.contains(fragment)),
            "{what}: expected `{fragment}` at {path}, got {found:#?}"
        );
    }
}

#[test]
fn all_problems_of_a_spec_are_reported_together() {
    let mut spec = seed();
    spec["request"][1]["type"] = json!("uint46");
    spec["request"][7]["range"] = json!({"min": 300, "max": 5});
    spec["errors"][0]["code"] = json!("A..B");
    spec["rules"][3]["then"]["not_equals"] = json!(7);
    let paths: Vec<String> = problems(&spec).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        paths,
        [
            "$.request[1].type",
            "$.request[7].range",
            "$.rules[3].then.not_equals",
            "$.errors[0].code"
        ]
    );
}

#[test]
fn invalid_json_reports_line_and_column() {
    let diags = expand_action_str(
        "x.json",
        "{\n  \"format\": 1,\n  oops\n}",
        &Options::default(),
    )
    .unwrap_err();
    let d = &diags.items()[0];
    assert_eq!(d.position, Some((3, 3)));
    assert_eq!(
        d.to_string(),
        "x.json:3:3: invalid JSON: key must be a string"
    );
}

#[test]
fn problems_become_one_compile_error_each() {
    let mut spec = seed();
    spec["request"][1]["type"] = json!("uint46");
    spec["errors"][0]["code"] = json!("A..B");
    let diags = expand(&spec).unwrap_err();
    let tokens = diags.to_compile_errors(proc_macro2::Span::call_site());
    let file: syn::File = syn::parse2(tokens).unwrap();
    assert_eq!(file.items.len(), 2);
    assert!(file.items.iter().all(|i| matches!(i, syn::Item::Macro(m) if m.mac.path.segments.last().unwrap().ident == "compile_error")));
}

/// Any JSON value at any position of the seed spec: the generator answers with code or
/// diagnostics, never a panic.
fn mutated_spec() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(|x| json!(x)),
        "[a-zA-Z0-9_.\\[\\] ]{0,12}".prop_map(Value::String),
        Just(json!("uint64[]")),
        Just(json!("Self")),
        Just(json!({"min": 5})),
    ];
    let paths = [
        "/request/0/name",
        "/request/1/type",
        "/request/1/range",
        "/request/2/enum/0/value",
        "/request/3/enum",
        "/request/5/required",
        "/request/7/range/max",
        "/rules/0/exactly_one_of/1",
        "/rules/1/less_than",
        "/rules/2/when/equals",
        "/rules/3/then",
        "/response/0/type",
        "/errors/3/code",
        "/action",
        "/types",
        "/region",
        "/rate_limit",
        "/format",
    ];
    (proptest::sample::select(paths.to_vec()), leaf).prop_map(|(path, value)| {
        let mut spec = seed();
        if let Some(slot) = spec.pointer_mut(path) {
            *slot = value;
        }
        spec
    })
}

proptest! {
    #[test]
    fn no_spec_makes_the_generator_panic(spec in mutated_spec()) {
        let _ = expand_action_str("fuzz.json", &spec.to_string(), &Options::default());
    }

    #[test]
    fn no_text_makes_the_parser_panic(text in "\\PC{0,200}") {
        let _ = expand_action_str("fuzz.json", &text, &Options::default());
    }
}
