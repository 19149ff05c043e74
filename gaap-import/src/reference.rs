//! The reference inputs, as they are: `gaap-2018-05-29.api.json` (tccli), its English
//! counterpart `.intl-en.api.json` (tccli-intl-en), `.examples.json` (tccli) and
//! `.error-codes.json` (tencentcloud-sdk-go).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::json::Ordered;

/// `gaap-2018-05-29.api.json`.
#[derive(Debug, Deserialize)]
pub struct Api {
    pub actions: BTreeMap<String, ApiAction>,
    pub objects: BTreeMap<String, ApiObject>,
    pub metadata: ApiMetadata,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiMetadata {
    pub api_version: String,
    pub service_short_name: String,
}

#[derive(Debug, Deserialize)]
pub struct ApiAction {
    /// The title (`创建TCP监听器`).
    pub name: String,
    pub document: String,
    pub input: String,
    pub output: String,
}

#[derive(Debug, Deserialize)]
pub struct ApiObject {
    pub document: String,
    pub members: Vec<ApiMember>,
}

#[derive(Debug, Deserialize)]
pub struct ApiMember {
    pub name: String,
    /// `string`, `int`, `float`, `bool`, `list`, `object`.
    #[serde(rename = "type")]
    pub ty: String,
    /// The element type: `string`, `int64`, `uint64`, `float`, `bool`, `datetime` or an object.
    pub member: String,
    #[serde(default)]
    pub document: String,
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub output_required: Option<bool>,
    #[serde(default)]
    pub value_allowed_null: Option<bool>,
    /// No member of this reference is disabled; the importer refuses one rather than guess.
    #[serde(default)]
    pub disabled: bool,
}

/// `gaap-2018-05-29.examples.json`.
#[derive(Debug, Deserialize)]
pub struct Examples {
    pub actions: BTreeMap<String, Vec<ApiExample>>,
}

#[derive(Debug, Deserialize)]
pub struct ApiExample {
    pub title: String,
    /// The HTTP request: `POST / HTTP/1.1`, headers, a blank line, the JSON body.
    pub input: String,
    /// The response JSON.
    pub output: String,
}

/// `gaap-2018-05-29.error-codes.json`.
#[derive(Debug, Deserialize)]
pub struct ErrorCodes {
    pub actions: BTreeMap<String, Vec<String>>,
    pub descriptions: BTreeMap<String, String>,
}

/// The files of a reference directory that the importer reads.
pub struct Reference {
    /// The Chinese description: every action.
    pub api: Api,
    /// The English description of the international site: the actions sold there.
    pub api_en: Api,
    pub examples: Examples,
    pub errors: ErrorCodes,
}

pub const API_FILE: &str = "gaap-2018-05-29.api.json";
pub const API_EN_FILE: &str = "gaap-2018-05-29.intl-en.api.json";
pub const EXAMPLES_FILE: &str = "gaap-2018-05-29.examples.json";
pub const ERRORS_FILE: &str = "gaap-2018-05-29.error-codes.json";

fn read<T: for<'de> Deserialize<'de>>(dir: &Path, file: &str) -> Result<T, String> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

impl Api {
    /// The member `member` of the object `object`, if the description has both.
    pub fn member(&self, object: &str, member: &str) -> Option<&ApiMember> {
        self.objects
            .get(object)?
            .members
            .iter()
            .find(|m| m.name == member)
    }
}

impl Reference {
    pub fn read(dir: &Path) -> Result<Reference, String> {
        Ok(Reference {
            api: read(dir, API_FILE)?,
            api_en: read(dir, API_EN_FILE)?,
            examples: read(dir, EXAMPLES_FILE)?,
            errors: read(dir, ERRORS_FILE)?,
        })
    }
}

impl ApiExample {
    /// The JSON body of the request: what follows the first blank line.
    pub fn body(&self) -> Result<Ordered, String> {
        let body = self
            .input
            .split_once("\n\n")
            .map(|(_, body)| body)
            .ok_or_else(|| format!("example `{}`: no blank line before the body", self.title))?;
        Ordered::parse(body).map_err(|e| format!("example `{}`: body: {e}", self.title))
    }

    pub fn response(&self) -> Result<Ordered, String> {
        Ordered::parse(&self.output).map_err(|e| format!("example `{}`: output: {e}", self.title))
    }
}
