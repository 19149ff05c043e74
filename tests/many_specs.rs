//! Many specs in one crate: two actions in one module do not collide, and with `gaap_types!`
//! they share object types, so a value read from one action's response goes straight into the
//! other's request. The test-only specs under `tests/specs/` nest arrays of objects in objects.

/// Both actions, each with its own copy of the object types: no name collides.
mod separate {
    gaap::gaap_api!("tests/specs/CreateWidgets.json");
    gaap::gaap_api!("tests/specs/DescribeWidgets.json");
}

/// Both actions on one set of shared types.
mod shared {
    pub mod types {
        gaap::gaap_types!(
            "tests/specs/CreateWidgets.json",
            "tests/specs/DescribeWidgets.json"
        );
    }
    gaap::gaap_api!(
        "tests/specs/CreateWidgets.json",
        types = crate::shared::types
    );
    gaap::gaap_api!("tests/specs/DescribeWidgets.json", types = types);
}

use gaap::{Action, Idempotency, RegionRule, Rule};
use shared::types::{Color, Endpoint, EndpointProtocol, TagPair, Widget, WidgetOwner};

fn widget() -> Widget {
    Widget {
        name: "w1".into(),
        endpoints: vec![
            Endpoint {
                host: "a.example".into(),
                port: 80,
                protocol: Some(EndpointProtocol::Tcp),
                weight: None,
            },
            Endpoint {
                host: "b.example".into(),
                port: 443,
                protocol: None,
                weight: Some(7),
            },
        ],
        tags: vec![TagPair {
            tag_key: "env".into(),
            tag_value: "prod".into(),
        }],
        color: Some(Color::Green),
        ratio: Some(0.5),
        enabled: Some(true),
        owner: WidgetOwner::OwnerName("ops".into()),
    }
}

#[test]
fn a_described_widget_is_created_again_without_conversion() {
    let body = serde_json::json!({
        "WidgetSet": [serde_json::to_value(widget()).unwrap()],
        "TotalCount": 1,
        "RequestId": "r-1",
    });
    let described: shared::DescribeWidgetsResponse = serde_json::from_value(body).unwrap();
    let request = shared::CreateWidgetsRequest::builder()
        .widgets(described.widget_set.clone())
        .build();
    assert_eq!(request.widgets, vec![widget()]);
    request.validate().unwrap();
}

#[test]
fn nested_arrays_of_objects_flatten_with_composed_keys() {
    let request = shared::CreateWidgetsRequest::builder()
        .widgets(vec![widget()])
        .client_token("tok")
        .build();
    let flat = request.flatten();
    let text: Vec<String> = flat.iter().map(|(k, v)| format!("{k}={v}")).collect();
    assert_eq!(
        text,
        [
            "Widgets.0.Name=w1",
            "Widgets.0.Endpoints.0.Host=a.example",
            "Widgets.0.Endpoints.0.Port=80",
            "Widgets.0.Endpoints.0.Protocol=TCP",
            "Widgets.0.Endpoints.1.Host=b.example",
            "Widgets.0.Endpoints.1.Port=443",
            "Widgets.0.Endpoints.1.Weight=7",
            "Widgets.0.Tags.0.TagKey=env",
            "Widgets.0.Tags.0.TagValue=prod",
            "Widgets.0.Color=green",
            "Widgets.0.Ratio=0.5",
            "Widgets.0.Enabled=true",
            "Widgets.0.OwnerName=ops",
            "ClientToken=tok",
        ]
    );
    let back = shared::CreateWidgetsRequest::from_flat(flat.iter()).unwrap();
    assert_eq!(back, request);
}

#[test]
fn nested_violations_name_the_full_path() {
    let mut bad = widget();
    bad.name = String::new();
    bad.endpoints[1].port = 0;
    bad.endpoints[1].weight = Some(101);
    bad.ratio = Some(1.5);
    let request = shared::CreateWidgetsRequest::builder()
        .widgets(vec![widget(), bad])
        .build();
    let errors = request.validate().unwrap_err();
    let paths = errors.paths();
    assert_eq!(
        paths,
        [
            "Widgets[1].Name",
            "Widgets[1].Endpoints[1].Port",
            "Widgets[1].Endpoints[1].Weight",
            "Widgets[1].Ratio",
        ]
    );
    assert!(matches!(
        errors.violations()[0].rule,
        Rule::Length { actual: 0, .. }
    ));
}

#[test]
fn enums_in_responses_keep_unknown_values_but_requests_refuse_them() {
    let body = serde_json::json!({
        "WidgetSet": [{
            "Name": "w", "Endpoints": [{"Host": "h", "Port": "8080", "Protocol": "QUIC"}],
            "Color": "blue", "OwnerUin": 7, "SomethingNew": true
        }],
        "TotalCount": "1",
        "RequestId": "r",
    });
    let described: shared::DescribeWidgetsResponse = serde_json::from_value(body).unwrap();
    let w = &described.widget_set[0];
    assert_eq!(w.color, Some(Color::Unknown("blue".into())));
    assert_eq!(
        w.endpoints[0].protocol,
        Some(EndpointProtocol::Unknown("QUIC".into()))
    );
    assert_eq!(
        w.endpoints[0].port, 8080,
        "integers sent as strings are accepted"
    );
    assert_eq!(described.total_count, 1);

    let request = shared::CreateWidgetsRequest::builder()
        .widgets(described.widget_set)
        .build();
    let errors = request.validate().unwrap_err();
    let paths = errors.paths();
    assert_eq!(
        paths,
        ["Widgets[0].Endpoints[0].Protocol", "Widgets[0].Color"]
    );
}

#[test]
fn separately_generated_actions_keep_closed_request_enums() {
    // Without shared types, CreateWidgets' own Color appears in no response: it has no
    // `Unknown` variant, so an undocumented value cannot even be written down.
    let all: &[separate::create_widgets::types::Color] =
        separate::create_widgets::types::Color::ALL;
    assert_eq!(all.len(), 2);
    assert_eq!(
        separate::describe_widgets::types::Color::parse("blue"),
        separate::describe_widgets::types::Color::Unknown("blue".into())
    );
}

#[test]
fn action_metadata_comes_from_the_spec() {
    assert_eq!(shared::CreateWidgetsRequest::ACTION, "CreateWidgets");
    assert_eq!(shared::CreateWidgetsRequest::REGION, RegionRule::Required);
    assert_eq!(shared::CreateWidgetsRequest::RATE_LIMIT_PER_SECOND, Some(5));
    assert_eq!(
        shared::CreateWidgetsRequest::IDEMPOTENCY,
        Idempotency::ClientToken
    );
    assert_eq!(
        shared::DescribeWidgetsRequest::IDEMPOTENCY,
        Idempotency::ReadOnly
    );
    let mut request = shared::CreateWidgetsRequest::builder()
        .widgets(vec![widget()])
        .build();
    *request.client_token_mut().unwrap() = Some("t".into());
    assert_eq!(request.client_token.as_deref(), Some("t"));
}

#[test]
fn an_exactly_one_of_group_inside_an_object_is_enforced_when_read() {
    let both = serde_json::json!({"Widgets": [{
        "Name": "w", "Endpoints": [{"Host": "h", "Port": 1}], "OwnerUin": 1, "OwnerName": "x"
    }]});
    let err = shared::CreateWidgetsRequest::from_json_value(&both).unwrap_err();
    assert_eq!(err.path, "Widgets[0]");
    assert!(
        err.to_string()
            .contains("exactly one of OwnerUin, OwnerName"),
        "{err}"
    );
}
