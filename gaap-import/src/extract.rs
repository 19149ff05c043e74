//! Constraints read from the documentation of a parameter: ranges, lengths, numbers of elements
//! and enumerations, each with the sentence it came from.
//!
//! Every pattern is deliberately narrow: a sentence no pattern matches exactly is reported as a
//! candidate left out, never guessed at. The report (`specs/constraints-report.md`) lists every
//! extraction beside its sentence; it was checked by hand, and wrong extractions are fixed here or
//! overridden in the hand-written overlay.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use gaap_codegen::spec::{Bounds, Items, LengthBounds};
use regex::Regex;
use serde_json::Value;

/// What kind of scalar a member holds, for choosing the patterns that apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    String,
    Int,
    Float,
    Other,
}

/// A member to extract from.
pub struct Subject<'a> {
    pub name: &'a str,
    pub scalar: Scalar,
    pub is_array: bool,
    pub doc: &'a str,
    /// The other members of the same request or object: a "value" that is one of them is a
    /// cross-field statement, not an enumeration.
    pub siblings: &'a [String],
    /// Only enumerations: a response says what a value means, and ranges, lengths and numbers
    /// of elements of what a server sends are not checked.
    pub enums_only: bool,
}

/// One extracted constraint.
#[derive(Clone, Debug)]
pub struct Finding {
    pub kind: Kind,
    /// The matched text.
    pub matched: String,
    /// Which pattern matched.
    pub pattern: &'static str,
}

#[derive(Clone, Debug)]
pub enum Kind {
    Range(Bounds),
    Length(LengthBounds),
    Items(Items),
    /// Values with their meaning (doc) in documented order; names are given later.
    Enum(Vec<(Value, String)>),
}

/// A sentence that looks like a constraint but was deliberately not extracted.
#[derive(Clone, Debug)]
pub struct LeftOut {
    pub matched: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Extraction {
    pub findings: Vec<Finding>,
    pub left_out: Vec<LeftOut>,
    /// Whether the doc looks like it states a constraint at all (numbers with bounds words,
    /// "表示", lists of values): such a member with no finding must be explained in the report.
    pub looks_constrained: bool,
}

macro_rules! re {
    ($name:ident, $re:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($re).expect("valid regex"));
    };
}

// Ranges of numbers.
re!(
    RANGE_BRACKET,
    r"[\[［]\s*(-?[0-9]+)\s*[,，]\s*(-?[0-9]+)\s*[\]］]\s*之间"
);
re!(
    RANGE_TO,
    r"范围(?:为|是)?[：:]?\s*(-?[0-9]+)\s*(?:到|至|~|～)\s*(-?[0-9]+)"
);
re!(MAX_VALUE, r"最大值(?:为|是)\s*([0-9]+)");
re!(MIN_VALUE, r"最小值(?:为|是)\s*([0-9]+)");
// Lengths of strings.
re!(
    MAX_LENGTH,
    r"(?:不超过|不得超过|不能超过|最大值不超过)\s*([0-9]+)\s*个\s*(?:ASCII)?\s*字符([^。]*)"
);
// Numbers of elements.
re!(
    MAX_ITEMS,
    r"(?:([A-Za-z][A-Za-z.]*)的)?(?:最多支持|上限为|总数不能超过)\s*([0-9]+)\s*个?"
);
// Enumerations of strings.
re!(
    ENUM_MEANS,
    r"([A-Za-z][A-Za-z0-9_.\-]*)\s*表示\s*([^；;，,。、\n]+)"
);
re!(
    ENUM_VALUE_COLON,
    r"(?:^|[：:；;，,。\s])([a-z][a-z0-9_]*)\s*[：:]\s*(\p{Han}[^；;，,。\n]*)"
);
re!(
    ENUM_MEANING_COLON,
    r"([A-Za-z\p{Han}]*\p{Han})\s*[:：]\s*([A-Z][A-Za-z0-9]*)"
);
re!(ENUM_PAREN, r"[（(]([A-Z]{2,})[）)]");
re!(
    ENUM_LIST,
    r"[A-Za-z][A-Za-z0-9_.]*(?:\s*(?:、|，|,|\||/|和|或者|或)\s*[A-Za-z][A-Za-z0-9_.]*)+"
);
re!(URL, r"https?://[^\s\]）)]+");
re!(LIST_SEPARATOR, r"\s*(?:、|，|,|\||/|和|或者|或)\s*");
// Enumerations of integers: `0表示…`, `0，表示…`, `1开启`, `1：允许`, `(0:按带宽计费`.
re!(
    ENUM_INT,
    r"(?:^|[：:；;，,。（(\s、])(-?[0-9]+)\s*(?:表示|[：:]|[，,]\s*(?:表示)?)?\s*(\p{Han}[^；;，,。\s）)]*|[A-Za-z][A-Za-z0-9 ]*[A-Za-z0-9])"
);
// Does the doc look like it states a constraint?
re!(
    LOOKS_NUMERIC,
    r"[0-9]+\s*(?:到|至|~|～)\s*[0-9]+|[\[［]\s*-?[0-9]+|(?:最多|上限|不超过|不得超过|不能超过|最大|最小|之间|范围)\s*[^0-9]{0,6}[0-9]|[0-9]+\s*个字符"
);
re!(
    LOOKS_ENUM,
    r"[A-Za-z0-9]\s*表示|可取值|可选|取值范围|支持[:：]?\s*[A-Za-z0-9]|[A-Za-z0-9]+\s*(?:、|或者|或|\|)\s*[A-Za-z0-9]+"
);

/// The doc as plain text: HTML paragraphs and line breaks of the reference removed.
pub fn plain(doc: &str) -> String {
    doc.replace("<p>", "")
        .replace("</p>", "\n")
        .replace("<br />", "\n")
        .replace("<br/>", "\n")
        .trim()
        .to_owned()
}

/// The number a pattern matched (ASCII digits, by construction of the patterns), or `None` with
/// the reason left out when it does not fit the type (a 20-digit "limit" is no constraint we can
/// enforce).
fn number<T: std::str::FromStr>(text: &str, matched: &str, out: &mut Extraction) -> Option<T> {
    let parsed = text.parse().ok();
    if parsed.is_none() {
        out.left_out.push(LeftOut {
            matched: matched.to_owned(),
            reason: format!("`{text}` does not fit a 64-bit integer"),
        });
    }
    parsed
}

pub fn extract(subject: &Subject<'_>) -> Extraction {
    // A link is no list of values (`cloud.tencent.com/document/api`).
    let doc = URL.replace_all(&plain(subject.doc), "").into_owned();
    let mut out = Extraction {
        looks_constrained: !subject.enums_only
            && (LOOKS_NUMERIC.is_match(&doc) || LOOKS_ENUM.is_match(&doc)),
        ..Extraction::default()
    };
    match subject.scalar {
        Scalar::Int | Scalar::Float => {
            if !subject.enums_only {
                ranges(&doc, &mut out);
            }
            if subject.scalar == Scalar::Int {
                int_enum(&doc, &mut out);
            }
        }
        Scalar::String => {
            if !subject.is_array && !subject.enums_only {
                lengths(&doc, &mut out);
            }
            string_enum(&doc, subject, &mut out);
        }
        Scalar::Other => {}
    }
    if subject.is_array && !subject.enums_only {
        items(&doc, subject, &mut out);
    }
    out
}

// Values in the English description: `` `rr` (round-robin) ``, `` `RUNNING`: Running ``,
// `1: enabled`, `1 (enable)`.
re!(
    EN_QUOTED,
    r"`([A-Za-z0-9_.\-]+)`\s*(?:[:：]\s*([^`;；,，.。(（]*[^`;；,，.。(（\s])|[(（]([^)）]*)[)）])?"
);
re!(
    EN_NUMBER,
    r"(?:^|[\s;；,，(（:：])(-?[0-9]+)\s*(?:[:：]\s*([A-Za-z][^;；,，.。`]*[^;；,，.。`\s])|[(（]([A-Za-z][^)）]*)[)）])"
);

/// The values the English description of a member lists, each with its meaning as written
/// (possibly empty), in documented order: values in backticks for strings, numbers followed by
/// `:` or a parenthesis for integers. Used to check the Chinese extraction and to give each
/// variant its English meaning; never to make an enumeration on its own.
pub fn english_values(doc: &str, scalar: Scalar) -> Vec<(Value, String)> {
    let doc = plain(doc);
    let mut out: Vec<(Value, String)> = Vec::new();
    let mut push = |value: Value, meaning: &str| {
        if !out.iter().any(|(v, _)| *v == value) {
            out.push((value, meaning.trim().to_owned()));
        }
    };
    match scalar {
        Scalar::Int => {
            for c in EN_QUOTED.captures_iter(&doc) {
                if let Ok(n) = c[1].parse::<i64>() {
                    let meaning = c.get(2).or(c.get(3)).map_or("", |m| m.as_str());
                    push(Value::from(n), meaning);
                }
            }
            for c in EN_NUMBER.captures_iter(&doc) {
                if let Ok(n) = c[1].parse::<i64>() {
                    let meaning = c.get(2).or(c.get(3)).map_or("", |m| m.as_str());
                    push(Value::from(n), meaning);
                }
            }
        }
        Scalar::String => {
            for c in EN_QUOTED.captures_iter(&doc) {
                // `null` is what an absent value reads as, in the notes of the description.
                if c[1].parse::<f64>().is_err() && &c[1] != "null" {
                    let meaning = c.get(2).or(c.get(3)).map_or("", |m| m.as_str());
                    push(Value::from(c[1].to_owned()), meaning);
                }
            }
        }
        Scalar::Float | Scalar::Other => {}
    }
    out
}

fn ranges(doc: &str, out: &mut Extraction) {
    let mut found = None;
    for (re, pattern) in [(&*RANGE_BRACKET, "[a，b]之间"), (&*RANGE_TO, "范围为a到b")] {
        if let Some(c) = re.captures(doc) {
            let (Some(min), Some(max)) = (
                number::<i64>(&c[1], &c[0], out),
                number::<i64>(&c[2], &c[0], out),
            ) else {
                return;
            };
            found = Some((
                Bounds {
                    min: Some(min.into()),
                    max: Some(max.into()),
                },
                c[0].to_owned(),
                pattern,
            ));
            break;
        }
    }
    if found.is_none() {
        let max = MAX_VALUE.captures(doc);
        let min = MIN_VALUE.captures(doc);
        if max.is_some() || min.is_some() {
            let matched: Vec<String> = [&min, &max]
                .into_iter()
                .flatten()
                .map(|c| c[0].to_owned())
                .collect();
            let bound = |c: &Option<regex::Captures<'_>>, out: &mut Extraction| match c {
                Some(c) => number::<i64>(&c[1], &c[0], out).map(|n| Some(n.into())),
                None => Some(None),
            };
            let (Some(min_bound), Some(max_bound)) = (bound(&min, out), bound(&max, out)) else {
                return;
            };
            found = Some((
                Bounds {
                    min: min_bound,
                    max: max_bound,
                },
                matched.join(" … "),
                "最大值为n / 最小值为n",
            ));
        }
    }
    if let Some((bounds, matched, pattern)) = found {
        out.findings.push(Finding {
            kind: Kind::Range(bounds),
            matched,
            pattern,
        });
    }
}

fn lengths(doc: &str, out: &mut Extraction) {
    if let Some(c) = MAX_LENGTH.captures(doc) {
        let rest = &c[2];
        if rest.contains("截断") {
            out.left_out.push(LeftOut {
                matched: c[0].to_owned(),
                reason: "the documentation says longer values are truncated, not rejected: \
                         validating the length would refuse what the API accepts"
                    .into(),
            });
            return;
        }
        let Some(n) = number::<u64>(&c[1], &c[0], out) else {
            return;
        };
        out.findings.push(Finding {
            kind: Kind::Length(LengthBounds {
                min: None,
                max: Some(n),
            }),
            matched: c[0].trim_end_matches(rest).to_owned(),
            pattern: "不超过n个字符",
        });
    }
}

fn items(doc: &str, subject: &Subject<'_>, out: &mut Extraction) {
    let mut max = None;
    for c in MAX_ITEMS.captures_iter(doc) {
        if let Some(owner) = c.get(1)
            && owner.as_str() != subject.name
        {
            out.left_out.push(LeftOut {
                matched: c[0].to_owned(),
                reason: format!(
                    "the limit is stated for `{}`, not for `{}`",
                    owner.as_str(),
                    subject.name
                ),
            });
            continue;
        }
        if max.is_some() {
            out.left_out.push(LeftOut {
                matched: c[0].to_owned(),
                reason: "a second limit in the same documentation".into(),
            });
            continue;
        }
        let Some(n) = number::<u64>(&c[2], &c[0], out) else {
            continue;
        };
        max = Some((n, c[0].to_owned()));
    }
    if let Some((n, matched)) = max {
        out.findings.push(Finding {
            kind: Kind::Items(Items {
                min: None,
                max: Some(n),
                unique: false,
            }),
            matched,
            pattern: "最多支持n个 / 上限为n / 总数不能超过n个",
        });
    }
}

fn int_enum(doc: &str, out: &mut Extraction) {
    let mut values: Vec<(i64, String)> = Vec::new();
    let mut matched = Vec::new();
    for c in ENUM_INT.captures_iter(doc) {
        let Some(value) = number::<i64>(&c[1], &c[0], out) else {
            return;
        };
        let meaning = c[2].trim().to_owned();
        matched.push(
            c[0].trim_start_matches(|ch: char| !ch.is_ascii_digit() && ch != '-')
                .to_owned(),
        );
        values.push((value, meaning));
    }
    if values.len() < 2 {
        if let Some((v, meaning)) = values.first() {
            out.left_out.push(LeftOut {
                matched: matched.join(" … "),
                reason: format!(
                    "only one value ({v}: {meaning}) is described: not a complete list of values"
                ),
            });
        }
        return;
    }
    let mut seen = BTreeMap::new();
    for (v, meaning) in &values {
        if let Some(first) = seen.insert(*v, meaning.clone()) {
            out.left_out.push(LeftOut {
                matched: matched.join(" … "),
                reason: format!("the value {v} is described twice ({first}; {meaning})"),
            });
            return;
        }
    }
    values.sort_by_key(|(v, _)| *v);
    out.findings.push(Finding {
        kind: Kind::Enum(
            values
                .into_iter()
                .map(|(v, m)| (Value::from(v), m))
                .collect(),
        ),
        matched: matched.join(" … "),
        pattern: "n表示… / n，… / n开启 / n：…",
    });
}

fn string_enum(doc: &str, subject: &Subject<'_>, out: &mut Extraction) {
    let is_sibling =
        |token: &str| subject.siblings.iter().any(|s| s == token) || token == subject.name;
    let pairs = |re: &Regex, value_first: bool| -> (Vec<(String, String)>, Vec<String>) {
        let mut values = Vec::new();
        let mut matched = Vec::new();
        for c in re.captures_iter(doc) {
            let (value, meaning) = if value_first {
                (c[1].to_owned(), c[2].trim().to_owned())
            } else {
                (c[2].to_owned(), c[1].trim().to_owned())
            };
            if is_sibling(&value) {
                continue;
            }
            matched.push(
                c[0].trim_start_matches(['：', ':', '；', ';', '，', ',', '。', ' ', '\n'])
                    .to_owned(),
            );
            values.push((value, meaning));
        }
        (values, matched)
    };
    let (means, means_matched) = pairs(&ENUM_MEANS, true);
    let candidates = [
        (means.clone(), means_matched.clone(), "A表示…；B表示…"),
        {
            let (v, m) = pairs(&ENUM_VALUE_COLON, true);
            (v, m, "a：…；b：…")
        },
        {
            let (v, m) = pairs(&ENUM_MEANING_COLON, false);
            (v, m, "…:A, …:B")
        },
        {
            let values: Vec<(String, String)> = ENUM_PAREN
                .captures_iter(doc)
                .map(|c| (c[1].to_owned(), String::new()))
                .collect();
            let matched = ENUM_PAREN
                .find_iter(doc)
                .map(|m| m.as_str().to_owned())
                .collect();
            (values, matched, "…（A）或…（B）")
        },
    ];
    for (values, matched, pattern) in candidates {
        if values.len() >= 2 {
            push_string_enum(values, matched.join(" … "), pattern, out);
            return;
        }
    }
    // Lists of bare values: `IPv4、IPv6`, `HTTP | HTTPS`, `ACCEPT或DROP`, `GET/HEAD`.
    let mut lists = Vec::new();
    for m in ENUM_LIST.find_iter(doc) {
        let tokens: Vec<String> = LIST_SEPARATOR
            .split(m.as_str())
            .map(str::to_owned)
            .collect();
        if tokens.iter().any(|t| is_sibling(t)) {
            out.left_out.push(LeftOut {
                matched: m.as_str().to_owned(),
                reason: "the words are parameter names: a statement about parameters (a cross-field rule, \
                         if any, is under Cross-field rules), not a list of values"
                    .into(),
            });
            continue;
        }
        let mut unique = tokens.clone();
        unique.sort();
        unique.dedup();
        if unique.len() != tokens.len() {
            out.left_out.push(LeftOut {
                matched: m.as_str().to_owned(),
                reason: "a word repeats: not a list of values".into(),
            });
            continue;
        }
        lists.push((tokens, m.as_str().to_owned()));
    }
    match lists.len() {
        0 => {}
        1 => {
            let (tokens, matched) = lists.pop().expect("one list");
            let mut values: Vec<(String, String)> =
                tokens.into_iter().map(|t| (t, String::new())).collect();
            let mut matched = vec![matched];
            // `TCP或UDP，ALL表示所有协议`: a value described apart from the list.
            for ((v, meaning), text) in means.into_iter().zip(means_matched) {
                match values.iter_mut().find(|(x, _)| *x == v) {
                    Some(listed) => listed.1 = meaning,
                    None => {
                        values.push((v, meaning));
                        matched.push(text);
                    }
                }
            }
            push_string_enum(
                values,
                matched.join(" … "),
                "A、B / A或B / A | B / A/B",
                out,
            );
        }
        _ => out.left_out.push(LeftOut {
            matched: lists
                .iter()
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join(" … "),
            reason: "several lists of words: which one lists the values is not clear".into(),
        }),
    }
}

fn push_string_enum(
    values: Vec<(String, String)>,
    matched: String,
    pattern: &'static str,
    out: &mut Extraction,
) {
    let mut seen = Vec::new();
    for (v, _) in &values {
        if seen.contains(v) {
            out.left_out.push(LeftOut {
                matched,
                reason: format!("the value {v} is listed twice"),
            });
            return;
        }
        seen.push(v.clone());
    }
    out.findings.push(Finding {
        kind: Kind::Enum(
            values
                .into_iter()
                .map(|(v, m)| (Value::from(v), m))
                .collect(),
        ),
        matched,
        pattern,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, scalar: Scalar, is_array: bool, doc: &str) -> Extraction {
        extract(&Subject {
            name,
            scalar,
            is_array,
            doc,
            siblings: &["ProxyId".to_owned(), "GroupId".to_owned()],
            enums_only: false,
        })
    }

    fn enum_values(e: &Extraction) -> Vec<String> {
        match &e.findings[..] {
            [
                Finding {
                    kind: Kind::Enum(v),
                    ..
                },
            ] => v
                .iter()
                .map(|(v, m)| format!("{}={m}", v.as_str().map_or(v.to_string(), str::to_owned)))
                .collect(),
            other => panic!("not one enum: {other:?}"),
        }
    }

    #[test]
    fn ranges_in_brackets_and_words() {
        let e = run(
            "DelayLoop",
            Scalar::Int,
            false,
            "时间间隔取值在[5，300]之间。",
        );
        assert!(
            matches!(&e.findings[0].kind, Kind::Range(b) if b.min == Some(5.into()) && b.max == Some(300.into()))
        );
        let e = run("X", Scalar::Int, false, "健康阈值。范围为1到10");
        assert!(
            matches!(&e.findings[0].kind, Kind::Range(b) if b.min == Some(1.into()) && b.max == Some(10.into()))
        );
        let e = run(
            "Limit",
            Scalar::Int,
            false,
            "<p>返回数量，默认为20，最大值为100。</p>",
        );
        assert!(
            matches!(&e.findings[0].kind, Kind::Range(b) if b.min.is_none() && b.max == Some(100.into()))
        );
    }

    #[test]
    fn digits_other_than_ascii_and_numbers_too_large_are_no_constraint() {
        // Full-width digits are not read as a number (Rust's `\d` would match them).
        let e = run(
            "X",
            Scalar::Int,
            false,
            "取值在[１，１０]之间。最大值为１０",
        );
        assert!(e.findings.is_empty(), "{:?}", e.findings);
        // A number that fits no 64-bit integer is left out with the reason, not a panic.
        for (doc, scalar, is_array) in [
            ("范围为1到99999999999999999999", Scalar::Int, false),
            ("最大值为99999999999999999999", Scalar::Int, false),
            ("不超过99999999999999999999个字符", Scalar::String, false),
            ("最多支持99999999999999999999个", Scalar::String, true),
            (
                "99999999999999999999表示开启，0表示关闭",
                Scalar::Int,
                false,
            ),
        ] {
            let e = run("X", scalar, is_array, doc);
            assert!(e.findings.is_empty(), "{doc}: {:?}", e.findings);
            assert!(
                e.left_out
                    .iter()
                    .any(|l| l.reason.contains("does not fit a 64-bit integer")),
                "{doc}: {:?}",
                e.left_out
            );
        }
    }

    #[test]
    fn enumerations() {
        let e = run(
            "Scheduler",
            Scalar::String,
            false,
            "其中：rr表示轮询；wrr表示加权轮询；lc表示最小连接数。",
        );
        assert_eq!(
            enum_values(&e),
            ["rr=轮询", "wrr=加权轮询", "lc=最小连接数"]
        );
        let e = run(
            "HealthCheck",
            Scalar::Int,
            false,
            "源站是否开启健康检查：1开启，0关闭，UDP监听器不支持健康检查",
        );
        assert_eq!(enum_values(&e), ["0=关闭", "1=开启"]);
        let e = run(
            "ClientIPMethod",
            Scalar::Int,
            false,
            "监听器获取客户端 IP 的方式，0表示 TOA, 1表示Proxy Protocol",
        );
        assert_eq!(enum_values(&e), ["0=TOA", "1=Proxy Protocol"]);
        let e = run(
            "V",
            Scalar::String,
            false,
            "IP版本，可取值：IPv4、IPv6，默认值IPv4",
        );
        assert_eq!(enum_values(&e), ["IPv4=", "IPv6="]);
        let e = run(
            "Protocol",
            Scalar::String,
            false,
            "协议：TCP或UDP，ALL表示所有协议",
        );
        assert_eq!(enum_values(&e), ["TCP=", "UDP=", "ALL=所有协议"]);
        let e = run(
            "T",
            Scalar::Int,
            false,
            "证书类型。其中：\n0，表示基础认证配置；\n1，表示客户端CA证书；\n-1，所有类型。\n默认为-1。",
        );
        assert_eq!(
            enum_values(&e),
            ["-1=所有类型", "0=基础认证配置", "1=客户端CA证书"]
        );
    }

    #[test]
    fn statements_about_parameters_are_no_enumeration() {
        let e = run(
            "ProxyId",
            Scalar::String,
            false,
            "通道ID，ProxyId和GroupId必须设置一个，但不能同时设置。",
        );
        assert!(e.findings.is_empty());
        assert_eq!(e.left_out.len(), 1);
    }

    #[test]
    fn english_values_with_their_meanings() {
        let shown = |doc: &str, scalar| -> Vec<String> {
            english_values(doc, scalar)
                .into_iter()
                .map(|(v, m)| format!("{}={m}", v.as_str().map_or(v.to_string(), str::to_owned)))
                .collect()
        };
        assert_eq!(
            shown(
                "Values: `rr` (round-robin), `wrr` (weighted round-robin), `lc` (the least-connections strategy).",
                Scalar::String
            ),
            [
                "rr=round-robin",
                "wrr=weighted round-robin",
                "lc=the least-connections strategy"
            ]
        );
        assert_eq!(
            shown(
                "Connection status. Valid values: `RUNNING`: Running `CREATING`: Creating",
                Scalar::String
            ),
            ["RUNNING=Running", "CREATING=Creating"]
        );
        assert_eq!(
            shown(
                "Whether to enable it. 1: enabled; 0: disabled. UDP listeners do not support it.",
                Scalar::Int
            ),
            ["1=enabled", "0=disabled"]
        );
        assert_eq!(
            shown("Valid values: 1 (enable) and 0 (disable).", Scalar::Int),
            ["1=enable", "0=disable"]
        );
        assert_eq!(
            shown("Listener status: `0`: Running `1`: Creating", Scalar::Int),
            ["0=Running", "1=Creating"]
        );
        assert!(shown("Value range: [5, 300].", Scalar::Int).is_empty());
    }

    #[test]
    fn truncation_is_no_length_limit() {
        let e = run(
            "AliasName",
            Scalar::String,
            false,
            "规则名：不得超过30个字符，超过部分会被截断。",
        );
        assert!(e.findings.is_empty());
        assert_eq!(e.left_out.len(), 1);
    }
}
