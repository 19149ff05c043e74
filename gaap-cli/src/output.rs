//! Printing an answer: JSON (the default, indented by four as tccli does), tccli's tab-separated
//! `text`, or a `table`; after `--filter`, a JMESPath expression, as in tccli.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::cli::OutputFormat;
use crate::exit::{Exit, Failure};

/// The answer `value` (the inside of `Response`), filtered and formatted.
///
/// Without a filter, JSON keeps the spec's field order (the typed response serializes in it);
/// a filter goes through JMESPath's own values, whose objects are sorted by key.
///
/// # Errors
///
/// A usage failure for a JMESPath expression that does not parse or cannot be evaluated.
pub fn render<T: Serialize>(
    answer: &T,
    format: OutputFormat,
    filter: Option<&str>,
) -> Result<String, Failure> {
    if format == OutputFormat::Json && filter.is_none() {
        return Ok(json(answer));
    }
    let mut value = serde_json::to_value(answer).map_err(|error| {
        Failure::new(Exit::Internal, format!("cannot show the answer: {error}"))
    })?;
    if let Some(expression) = filter {
        value = apply_filter(expression, &value)?;
    }
    Ok(match format {
        OutputFormat::Json => json(&value),
        OutputFormat::Text => text(&value),
        OutputFormat::Table => table(&value),
    })
}

/// Applies a JMESPath expression.
///
/// # Errors
///
/// A usage failure naming the expression's problem.
pub fn apply_filter(expression: &str, value: &Value) -> Result<Value, Failure> {
    let compiled = jmespath::compile(expression)
        .map_err(|error| Failure::usage(format!("--filter: {error}")))?;
    let result = compiled
        .search(value)
        .map_err(|error| Failure::usage(format!("--filter: {error}")))?;
    serde_json::to_value(&*result)
        .map_err(|error| Failure::new(Exit::Internal, format!("--filter: {error}")))
}

/// JSON indented by four spaces, non-ASCII characters as they are, a final newline.
pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    value
        .serialize(&mut serializer)
        .expect("JSON values and generated types always serialize");
    let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

/// A JSON value whose objects keep their members in order: several typed answers merged into
/// one (`--all-pages`) still print in the spec's field order, which `serde_json::Value` (sorted
/// maps in this workspace) would lose.
#[derive(Clone, Debug, PartialEq)]
pub enum Ordered {
    /// A scalar (or null).
    Leaf(Value),
    Array(Vec<Ordered>),
    /// The members, in their order.
    Object(Vec<(String, Ordered)>),
}

impl Ordered {
    /// A typed answer as an ordered value, in the order it serializes in.
    ///
    /// # Errors
    ///
    /// An internal failure if it does not serialize (generated answers always do).
    pub fn of<T: Serialize>(answer: &T) -> Result<Ordered, Failure> {
        serde_json::to_string(answer)
            .and_then(|text| serde_json::from_str(&text))
            .map_err(|error| {
                Failure::new(Exit::Internal, format!("cannot show the answer: {error}"))
            })
    }

    /// The member `name` of an object.
    pub fn member_mut(&mut self, name: &str) -> Option<&mut Ordered> {
        match self {
            Ordered::Object(members) => members
                .iter_mut()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value),
            _ => None,
        }
    }
}

impl Serialize for Ordered {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Ordered::Leaf(value) => value.serialize(serializer),
            Ordered::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Ordered::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (key, value) in members {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(Value::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(Value::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(Value::from(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(Value::from(v)))
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(Value::Null))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Ordered::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Ordered, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    members.push(entry);
                }
                Ok(Ordered::Object(members))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        other => other.to_string(),
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// The names of the scalar fields of the objects in `items`, sorted, each once.
fn scalar_fields(items: &[Value]) -> Vec<String> {
    let mut keys: Vec<String> = items
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|map| {
            map.iter()
                .filter(|(_, v)| is_scalar(v))
                .map(|(k, _)| k.clone())
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// tccli's (and the AWS CLI's) `text`: one line per object of tab-separated scalar fields
/// (sorted by name), nested lists and objects on lines of their own prefixed with their name
/// in capitals.
pub fn text(value: &Value) -> String {
    let mut out = String::new();
    text_value(value, None, None, &mut out);
    out
}

fn text_value(
    value: &Value,
    identifier: Option<&str>,
    scalar_keys: Option<&[String]>,
    out: &mut String,
) {
    match value {
        Value::Object(map) => {
            let (scalars, nested): (Vec<String>, Vec<(&String, &Value)>) = match scalar_keys {
                None => {
                    let scalars = map
                        .values()
                        .filter(|v| is_scalar(v))
                        .map(scalar_text)
                        .collect();
                    (scalars, map.iter().filter(|(_, v)| !is_scalar(v)).collect())
                }
                Some(keys) => (
                    keys.iter()
                        .map(|k| map.get(k).map(scalar_text).unwrap_or_default())
                        .collect(),
                    map.iter().filter(|(k, _)| !keys.contains(k)).collect(),
                ),
            };
            if !scalars.is_empty() {
                let mut fields = Vec::with_capacity(scalars.len() + 1);
                if let Some(identifier) = identifier {
                    fields.push(identifier.to_uppercase());
                }
                fields.extend(scalars);
                out.push_str(&fields.join("\t"));
                out.push('\n');
            }
            for (key, inner) in nested {
                text_value(inner, Some(key), None, out);
            }
        }
        Value::Array(items) if items.is_empty() => {}
        Value::Array(items) if items.iter().any(Value::is_object) => {
            let keys = scalar_fields(items);
            for item in items {
                text_value(item, identifier, Some(&keys), out);
            }
        }
        Value::Array(items) => {
            let scalars: Vec<String> = items
                .iter()
                .filter(|v| is_scalar(v))
                .map(scalar_text)
                .collect();
            if !scalars.is_empty() {
                match identifier {
                    Some(identifier) => {
                        for item in &scalars {
                            let _ = writeln!(out, "{}\t{item}", identifier.to_uppercase());
                        }
                    }
                    None => {
                        out.push_str(&scalars.join("\t"));
                        out.push('\n');
                    }
                }
            }
            for item in items.iter().filter(|v| !is_scalar(v)) {
                text_value(item, identifier, None, out);
            }
        }
        scalar => {
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
}

/// One box of a table: a title, column names, rows.
struct Section {
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// A table in tccli's spirit: a section per object (its scalar fields as columns), a section
/// per nested list or object, titled with its name. Not byte for byte tccli's layout.
pub fn table(value: &Value) -> String {
    let mut sections = Vec::new();
    table_sections("Response", value, &mut sections);
    let width = sections
        .iter()
        .map(|s| {
            let title = s.title.width() + 4;
            let columns = column_widths(s);
            let row = if columns.is_empty() {
                0
            } else {
                columns.iter().map(|w| w + 3).sum::<usize>() + 1
            };
            title.max(row)
        })
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for section in &sections {
        let _ = writeln!(out, "{}", "-".repeat(width));
        let pad = width - 2 - section.title.width();
        let _ = writeln!(
            out,
            "|{}{}{}|",
            " ".repeat(pad / 2),
            section.title,
            " ".repeat(pad - pad / 2)
        );
        let mut columns = column_widths(section);
        if columns.is_empty() {
            continue;
        }
        // Widen the last column to the table's width.
        let used: usize = columns.iter().map(|w| w + 3).sum::<usize>() + 1;
        if let Some(last) = columns.last_mut() {
            *last += width - used;
        }
        let rule: String = columns
            .iter()
            .map(|w| format!("+{}", "-".repeat(w + 2)))
            .collect::<String>()
            + "+";
        let line = |cells: &[String]| -> String {
            let mut text = String::new();
            for (cell, width) in cells.iter().zip(&columns) {
                let _ = write!(text, "| {}{} ", cell, " ".repeat(width - cell.width()));
            }
            text + "|"
        };
        let _ = writeln!(out, "{rule}");
        if !section.headers.is_empty() {
            let _ = writeln!(out, "{}", line(&section.headers));
            let _ = writeln!(out, "{rule}");
        }
        for row in &section.rows {
            let _ = writeln!(out, "{}", line(row));
        }
        let _ = writeln!(out, "{rule}");
    }
    out
}

fn column_widths(section: &Section) -> Vec<usize> {
    let count = section
        .rows
        .iter()
        .map(Vec::len)
        .chain([section.headers.len()])
        .max()
        .unwrap_or(0);
    (0..count)
        .map(|i| {
            section
                .rows
                .iter()
                .chain([&section.headers])
                .filter_map(|row| row.get(i))
                .map(|cell| cell.width())
                .max()
                .unwrap_or(0)
        })
        .collect()
}

fn table_sections(title: &str, value: &Value, out: &mut Vec<Section>) {
    match value {
        Value::Object(map) => {
            let scalars: Vec<(&String, &Value)> =
                map.iter().filter(|(_, v)| is_scalar(v)).collect();
            let rows = if scalars.len() == 1 {
                vec![vec![scalars[0].0.clone(), scalar_text(scalars[0].1)]]
            } else if scalars.is_empty() {
                Vec::new()
            } else {
                vec![scalars.iter().map(|(_, v)| scalar_text(v)).collect()]
            };
            let headers = if scalars.len() > 1 {
                scalars.iter().map(|(k, _)| (*k).clone()).collect()
            } else {
                Vec::new()
            };
            out.push(Section {
                title: title.to_owned(),
                headers,
                rows,
            });
            for (key, inner) in map.iter().filter(|(_, v)| !is_scalar(v)) {
                table_sections(key, inner, out);
            }
        }
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
            let headers = scalar_fields(items);
            let rows = items
                .iter()
                .filter_map(Value::as_object)
                .map(|map| {
                    headers
                        .iter()
                        .map(|h| map.get(h).map(scalar_text).unwrap_or_default())
                        .collect()
                })
                .collect();
            out.push(Section {
                title: title.to_owned(),
                headers,
                rows,
            });
            for item in items.iter().filter_map(Value::as_object) {
                for (key, inner) in item.iter().filter(|(_, v)| !is_scalar(v)) {
                    table_sections(key, inner, out);
                }
            }
        }
        Value::Array(items) => {
            let rows = items
                .iter()
                .filter(|v| is_scalar(v))
                .map(|v| vec![scalar_text(v)])
                .collect();
            out.push(Section {
                title: title.to_owned(),
                headers: Vec::new(),
                rows,
            });
            for item in items.iter().filter(|v| !is_scalar(v)) {
                table_sections(title, item, out);
            }
        }
        scalar => out.push(Section {
            title: title.to_owned(),
            headers: Vec::new(),
            rows: vec![vec![scalar_text(scalar)]],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer() -> Value {
        json!({
            "TotalCount": 2,
            "ListenerSet": [
                {"ListenerId": "listener-1", "Port": 90, "RealServerSet": []},
                {"ListenerId": "listener-2", "Port": 91}
            ],
            "RequestId": "req-1"
        })
    }

    #[test]
    fn json_is_indented_by_four_and_keeps_chinese_text() {
        assert_eq!(
            json(&json!({"A": ["监听器"]})),
            "{\n    \"A\": [\n        \"监听器\"\n    ]\n}\n"
        );
    }

    #[test]
    fn filters_are_jmespath() {
        let filtered = apply_filter("ListenerSet[?Port > `90`].ListenerId", &answer()).unwrap();
        assert_eq!(filtered, json!(["listener-2"]));
        let error = apply_filter("ListenerSet[?", &answer()).unwrap_err();
        assert_eq!(error.exit, Exit::Usage);
        assert!(error.message.starts_with("--filter:"), "{error}");
    }

    #[test]
    fn text_is_tccli_s_tab_separated_layout() {
        assert_eq!(
            text(&answer()),
            "req-1\t2\nLISTENERSET\tlistener-1\t90\nLISTENERSET\tlistener-2\t91\n"
        );
        assert_eq!(text(&json!(["a", "b"])), "a\tb\n");
        assert_eq!(text(&json!({"Ids": ["a", "b"]})), "IDS\ta\nIDS\tb\n");
    }

    #[test]
    fn tables_align_columns_even_with_chinese_text() {
        let table = table(
            &json!({"Items": [{"Name": "监听器", "Port": 90}, {"Name": "l2", "Port": 8080}]}),
        );
        let lines: Vec<&str> = table.lines().collect();
        let widths: Vec<usize> = lines.iter().map(|l| l.width()).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{table}");
        assert!(table.contains("| 监听器 | 90"), "{table}");
        assert!(table.contains("| Name   | Port"), "{table}");
    }

    #[test]
    fn ordered_values_keep_the_member_order_through_a_round_trip() {
        let text = r#"{"Zeta":1,"Alpha":[{"Y":true,"B":null}],"Mid":"中文","F":0.5,"N":-2}"#;
        let mut ordered: Ordered = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&ordered).unwrap(), text);
        *ordered.member_mut("Mid").unwrap() = Ordered::Leaf(Value::from(3));
        assert!(ordered.member_mut("Nope").is_none());
        assert!(json(&ordered).starts_with("{\n    \"Zeta\": 1,\n    \"Alpha\": [\n"));
        assert!(json(&ordered).contains("\"Mid\": 3,"));
    }
}
