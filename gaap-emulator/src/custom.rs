//! The actions that do not fit an operation of the model, carried out by hand. The model binds
//! each of them with `"op": "custom"`, names the handler here, says why, and lists the codes it
//! answers with (checked against the action's documented codes like the rest of the model).

use std::sync::RwLock;

use serde_json::{Map, Value, json};

use crate::error::{ApiError, code};
use crate::model::Handler;
use crate::state::{Resource, State, read_lock};
use crate::statistics::{SERIES_PARAMS, series};
use crate::values::{Answer, as_text, catalogue_entry, text};

const UNKNOWN_ACCESS_REGION: &str = "InvalidParameterValue.UnknownAccessRegion";
const UNKNOWN_DEST_REGION: &str = "InvalidParameterValue.UnknownDestRegion";
const INVALID_BANDWIDTH: &str = "InvalidParameterValue.InvalidBandwidth";
const INVALID_CONCURRENCY: &str = "InvalidParameterValue.InvalidConcurrency";
const REAL_SERVER_NOT_BELONG: &str = "InvalidParameterValue.RealServerNotBelong";

pub(crate) fn run(
    handler: Handler,
    lock: &RwLock<State>,
    params: &Map<String, Value>,
) -> Result<Answer, ApiError> {
    let state = read_lock(lock);
    let catalogue = &state.model.catalogue;
    match handler {
        Handler::CheckProxyCreate => {
            check_configuration(catalogue, params, "Concurrent")?;
            Ok(answer([("CheckFlag", json!(1))]))
        }
        Handler::InquiryPriceCreateProxy => inquiry_price(catalogue, params),
        Handler::AccessRegionsByDestRegion => {
            let dest = text(params, "DestRegion").unwrap_or("");
            region(catalogue, "DestRegions", dest).ok_or_else(|| {
                ApiError::new(
                    UNKNOWN_DEST_REGION,
                    format!("DestRegion `{dest}` is unknown"),
                )
            })?;
            let list = catalogue
                .get("AccessRegionDetails")
                .cloned()
                .unwrap_or(json!([]));
            let n = list.as_array().map_or(0, Vec::len);
            Ok(answer([
                ("AccessRegionSet", list),
                ("TotalCount", json!(n)),
            ]))
        }
        Handler::RealServersStatus => real_servers_status(&state, params),
        Handler::ResourcesByTag => resources_by_tag(&state, params),
        Handler::GroupDomainConfig => group_domain_config(&state, params),
        Handler::GlobalDomainDns => global_domain_dns(&state, params),
        Handler::RealServerStatistics => {
            let rs = text(params, "RealServerId").unwrap_or("");
            if !of_kind(&state, rs, "real_server") {
                return Err(not_found("RealServerId", rs));
            }
            let model = state.model;
            for (param, is_kind) in [
                (
                    "ListenerId",
                    &(|k: &str| model.is_listener(k)) as &dyn Fn(&str) -> bool,
                ),
                ("RuleId", &|k: &str| k == "rule"),
            ] {
                if let Some(id) = text(params, param)
                    && !state.get(id).is_some_and(|r| is_kind(&r.kind))
                {
                    return Err(not_found(param, id));
                }
            }
            let series = series(params, &SERIES_PARAMS)?;
            Ok(answer([
                ("StatisticsData", series.clone()),
                (
                    "RsStatisticsData",
                    json!([{"MetricName": "RealServerStatus", "MetricData": series}]),
                ),
            ]))
        }
    }
}

fn answer<const N: usize>(members: [(&str, Value); N]) -> Answer {
    members
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

/// Whether `id` names a resource of `kind`.
fn of_kind(state: &State, id: &str, kind: &str) -> bool {
    state.get(id).is_some_and(|r| r.kind == kind)
}

fn not_found(param: &str, id: &str) -> ApiError {
    ApiError::new(
        code::RESOURCE_NOT_FOUND,
        format!("{param} `{id}` does not exist"),
    )
}

fn region<'c>(catalogue: &'c Map<String, Value>, list: &str, id: &str) -> Option<&'c Value> {
    catalogue_entry(catalogue, list, "RegionId", &Value::from(id))
}

/// The regions and sizes a proxy may be made with (`CheckProxyCreate`,
/// `InquiryPriceCreateProxy`): the access region's documented bandwidth and concurrency lists.
fn check_configuration(
    catalogue: &Map<String, Value>,
    params: &Map<String, Value>,
    concurrent_param: &str,
) -> Result<(), ApiError> {
    let access = text(params, "AccessRegion").unwrap_or("");
    let details = region(catalogue, "AccessRegionDetails", access).ok_or_else(|| {
        ApiError::new(
            UNKNOWN_ACCESS_REGION,
            format!("AccessRegion `{access}` is not an access region (DescribeAccessRegions)"),
        )
    })?;
    let dest = text(params, "RealServerRegion")
        .or_else(|| text(params, "DestRegion"))
        .unwrap_or("");
    if region(catalogue, "DestRegions", dest).is_none() {
        return Err(ApiError::new(
            UNKNOWN_DEST_REGION,
            format!("RealServerRegion `{dest}` is not a destination region (DescribeDestRegions)"),
        ));
    }
    for (param, list, code) in [
        ("Bandwidth", "BandwidthList", INVALID_BANDWIDTH),
        (concurrent_param, "ConcurrentList", INVALID_CONCURRENCY),
    ] {
        let Some(value) = params.get(param).and_then(Value::as_i64) else {
            continue;
        };
        let allowed: Vec<i64> = details
            .get(list)
            .and_then(Value::as_array)
            .map(|l| l.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        if !allowed.contains(&value) {
            return Err(ApiError::new(
                code,
                format!("{param} {value} is not offered in {access}: one of {allowed:?}"),
            ));
        }
    }
    Ok(())
}

fn inquiry_price(
    catalogue: &Map<String, Value>,
    params: &Map<String, Value>,
) -> Result<Answer, ApiError> {
    let concurrent = if params.contains_key("Concurrent") {
        "Concurrent"
    } else {
        "Concurrency"
    };
    check_configuration(catalogue, params, concurrent)?;
    let pricing = catalogue.get("Pricing").cloned().unwrap_or(json!({}));
    let number = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(0.0);
    let bandwidth = params
        .get("Bandwidth")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let concurrency = params
        .get(concurrent)
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let gradients = pricing
        .get("BandwidthUnitPrice")
        .cloned()
        .unwrap_or(json!([]));
    let unit = gradients
        .as_array()
        .and_then(|g| {
            g.iter().find(|step| {
                let range = step.get("BandwidthRange").and_then(Value::as_array);
                range.is_some_and(|r| {
                    let low = r.first().and_then(Value::as_f64).unwrap_or(0.0);
                    let high = r.get(1).and_then(Value::as_f64).unwrap_or(f64::MAX);
                    bandwidth >= low && bandwidth <= high
                })
            })
        })
        .map_or(0.0, |step| number(step, "BandwidthUnitPrice"));
    let discount = number(&pricing, "Discount");
    let daily = round2(bandwidth * unit + concurrency * number(&pricing, "ConcurrencyUnitPrice"));
    let is_cn2 = text(params, "NetworkType") == Some("cn2");
    let cn2 = if is_cn2 {
        round2(bandwidth * number(&pricing, "Cn2BandwidthUnitPrice"))
    } else {
        0.0
    };
    Ok(answer([
        ("ProxyDailyPrice", json!(daily)),
        ("DiscountProxyDailyPrice", json!(round2(daily * discount))),
        ("BandwidthUnitPrice", gradients),
        (
            "Currency",
            pricing.get("Currency").cloned().unwrap_or(json!("CNY")),
        ),
        ("FlowUnitPrice", json!(number(&pricing, "FlowUnitPrice"))),
        (
            "DiscountFlowUnitPrice",
            json!(round2(number(&pricing, "FlowUnitPrice") * discount)),
        ),
        ("Cn2BandwidthPrice", json!(cn2)),
        (
            "Cn2BandwidthPriceWithDiscount",
            json!(round2(cn2 * discount)),
        ),
    ]))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The bindings (of listeners and rules) that name a real server.
fn bindings_of<'s>(
    state: &'s State,
    real_server: &'s str,
) -> impl Iterator<Item = &'s Resource> + 's {
    ["listener_rs", "rule_rs"]
        .into_iter()
        .flat_map(|k| state.all_of(k))
        .filter(move |b| b.fields.get("RealServerId").and_then(Value::as_str) == Some(real_server))
}

/// The proxy or group a binding's listener belongs to (through the rule and domain for rules).
fn owner_of<'s>(state: &'s State, binding: &Resource) -> Option<&'s Resource> {
    let mut at = state.get(binding.parent.as_deref()?)?;
    while !matches!(at.kind.as_str(), "proxy" | "group") {
        at = state.get(at.parent.as_deref()?)?;
    }
    Some(at)
}

fn real_servers_status(state: &State, params: &Map<String, Value>) -> Result<Answer, ApiError> {
    let ids: Vec<String> = params
        .get("RealServerIds")
        .and_then(Value::as_array)
        .map(|v| v.iter().map(as_text).collect())
        .unwrap_or_default();
    let mut set = Vec::new();
    for id in &ids {
        if !of_kind(state, id, "real_server") {
            return Err(ApiError::new(
                REAL_SERVER_NOT_BELONG,
                format!("RealServerIds: `{id}` is not a real server of this account"),
            ));
        }
        let owner = bindings_of(state, id).find_map(|b| owner_of(state, b));
        let (proxy, group) = match owner {
            Some(o) if o.kind == "proxy" => (o.id.clone(), String::new()),
            Some(o) => (String::new(), o.id.clone()),
            None => (String::new(), String::new()),
        };
        set.push(json!({
            "RealServerId": id,
            "BindStatus": i64::from(owner.is_some()),
            "ProxyId": proxy,
            "GroupId": group,
        }));
    }
    Ok(answer([
        ("TotalCount", json!(set.len())),
        ("RealServerStatusSet", Value::Array(set)),
    ]))
}

fn resources_by_tag(state: &State, params: &Map<String, Value>) -> Result<Answer, ApiError> {
    let key = text(params, "TagKey").unwrap_or("");
    let value = text(params, "TagValue");
    let types = [
        ("Proxy", "proxy"),
        ("ProxyGroup", "group"),
        ("RealServer", "real_server"),
    ];
    let wanted = text(params, "ResourceType");
    if let Some(w) = wanted
        && !types.iter().any(|(t, _)| *t == w)
    {
        return Err(ApiError::new(
            code::INVALID_PARAMETER_VALUE,
            format!("ResourceType `{w}`: Proxy, ProxyGroup or RealServer"),
        ));
    }
    let mut set = Vec::new();
    for (name, kind) in types {
        if wanted.is_some_and(|w| w != name) {
            continue;
        }
        for r in state.all_of(kind) {
            let tagged = r
                .fields
                .get("TagSet")
                .and_then(Value::as_array)
                .is_some_and(|tags| {
                    tags.iter().any(|t| {
                        t.get("TagKey").and_then(Value::as_str) == Some(key)
                            && value.is_none_or(|v| {
                                t.get("TagValue").and_then(Value::as_str) == Some(v)
                            })
                    })
                });
            if tagged {
                set.push(json!({"ResourceType": name, "ResourceId": r.id}));
            }
        }
    }
    Ok(answer([
        ("TotalCount", json!(set.len())),
        ("ResourceSet", Value::Array(set)),
    ]))
}

fn country<'c>(catalogue: &'c Map<String, Value>, inner_code: &str) -> Option<&'c Value> {
    catalogue_entry(
        catalogue,
        "CountryAreaMapping",
        "NationCountryInnerCode",
        &Value::from(inner_code),
    )
}

fn group_domain_config(state: &State, params: &Map<String, Value>) -> Result<Answer, ApiError> {
    let id = text(params, "GroupId").unwrap_or("");
    let group = state
        .get(id)
        .filter(|r| r.kind == "group")
        .ok_or_else(|| not_found("GroupId", id))?;
    let catalogue = &state.model.catalogue;
    let configured: Vec<Value> = group
        .fields
        .get("AccessRegionList")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // One entry per access region of the group's proxies, with the countries configured for it.
    let mut regions: Vec<(String, Vec<String>)> = Vec::new();
    for proxy in state.children_of(id).filter(|r| r.kind == "proxy") {
        let region = proxy
            .fields
            .get("AccessRegion")
            .map(as_text)
            .unwrap_or_default();
        match regions.iter_mut().find(|(r, _)| *r == region) {
            Some((_, proxies)) => proxies.push(proxy.id.clone()),
            None => regions.push((region, vec![proxy.id.clone()])),
        }
    }
    let list: Vec<Value> = regions
        .into_iter()
        .map(|(region_id, proxies)| {
            let details = region(catalogue, "AccessRegions", &region_id);
            let field = |k: &str| details.and_then(|d| d.get(k)).cloned().unwrap_or(json!(""));
            // The zone and continent of the region are those of the country it is in.
            let home = catalogue
                .get("AccessRegionCountries")
                .and_then(|m| m.get(&region_id))
                .and_then(Value::as_str)
                .and_then(|code| country(catalogue, code));
            let code_of = |k: &str| home.and_then(|c| c.get(k)).cloned().unwrap_or(json!(""));
            let countries: Vec<Value> = configured
                .iter()
                .find(|c| c.get("RegionId").and_then(Value::as_str) == Some(region_id.as_str()))
                .and_then(|c| c.get("NationCountryInnerList"))
                .and_then(Value::as_array)
                .map(|codes| {
                    codes
                        .iter()
                        .map(|c| {
                            let code = as_text(c);
                            let name = country(catalogue, &code)
                                .and_then(|x| x.get("NationCountryName"))
                                .cloned()
                                .unwrap_or(json!(""));
                            json!({"NationCountryName": name, "NationCountryInnerCode": code})
                        })
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "RegionId": region_id,
                "RegionName": field("RegionName"),
                "GeographicalZoneInnerCode": code_of("GeographicalZoneInnerCode"),
                "ContinentInnerCode": code_of("ContinentInnerCode"),
                "NationCountryInnerList": countries,
                "ProxyList": proxies.iter().map(|p| json!({"ProxyId": p})).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(answer([
        ("AccessRegionCount", json!(list.len())),
        ("AccessRegionList", Value::Array(list)),
        (
            "DefaultDnsIp",
            group
                .fields
                .get("DnsDefaultIp")
                .cloned()
                .unwrap_or(json!("")),
        ),
        ("GroupId", json!(id)),
    ]))
}

fn global_domain_dns(state: &State, params: &Map<String, Value>) -> Result<Answer, ApiError> {
    let id = text(params, "DomainId").unwrap_or("");
    if !of_kind(state, id, "global_domain") {
        return Err(not_found("DomainId", id));
    }
    let catalogue = &state.model.catalogue;
    let list: Vec<Value> = state
        .children_of(id)
        .filter(|r| r.kind == "global_dns")
        .map(|dns| {
            let countries: Vec<Value> = dns
                .fields
                .get("NationCountryInnerCodes")
                .and_then(Value::as_array)
                .map(|codes| {
                    codes
                        .iter()
                        .filter_map(|c| country(catalogue, &as_text(c)).cloned())
                        .collect()
                })
                .unwrap_or_default();
            let access: Vec<Value> = dns
                .fields
                .get("ProxyIdList")
                .and_then(Value::as_array)
                .map(|ids| {
                    ids.iter()
                        .filter_map(|p| state.get(&as_text(p)))
                        .map(|p| {
                            let f = |k: &str| p.fields.get(k).cloned().unwrap_or(json!(""));
                            let region_name =
                                region(catalogue, "AccessRegions", &as_text(&f("AccessRegion")))
                                    .and_then(|r| r.get("RegionName"))
                                    .cloned()
                                    .unwrap_or(json!(""));
                            json!({
                                "RegionId": f("AccessRegion"),
                                "RegionName": region_name,
                                "ProxyId": p.id,
                                "Vip": f("IP"),
                                "VipList": f("IPList"),
                                "SourceRegionIdcType": "dc",
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "DnsRecordId": dns.fields.get("DnsRecordId").cloned().unwrap_or(json!(0)),
                "Status": dns.fields.get("Status").cloned().unwrap_or(json!(1)),
                "CountryAreaList": countries,
                "AccessList": access,
            })
        })
        .collect();
    Ok(answer([("GlobalDnsList", Value::Array(list))]))
}
