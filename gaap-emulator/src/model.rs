//! The resource model: what exists in a GAAP account, how it is named, what it holds, which
//! states it passes through, and what each action does to it. Data (`model/*.json`, embedded in
//! the binary), read into these types and checked once, every problem reported together; the
//! engine ([`crate::engine`]) executes it. `MODEL.md` documents the format.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Map, Value};

const RESOURCES: &str = include_str!("../model/resources.json");
const ACTIONS: &str = include_str!("../model/actions.json");
const CATALOGUE: &str = include_str!("../model/catalogue.json");

/// The checked model.
#[derive(Debug)]
pub(crate) struct Model {
    pub resources: BTreeMap<String, Resource>,
    pub actions: BTreeMap<String, Action>,
    /// The emulator's own fixture data of the read-only catalogue actions, by name.
    pub catalogue: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourcesFile {
    format: u32,
    resources: BTreeMap<String, Resource>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionsFile {
    format: u32,
    actions: BTreeMap<String, Action>,
}

/// One kind of resource.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Resource {
    pub doc: String,
    /// How ids are made.
    pub id: IdFormat,
    /// Stored fields that hold the resource's own id (`ProxyId` and `InstanceId`).
    #[serde(default)]
    pub id_fields: Vec<String>,
    /// The kinds of resource it can belong to, each with the field that holds the parent's id.
    #[serde(default)]
    pub parents: Vec<Parent>,
    /// Whether it may also stand alone (a proxy outside any group).
    #[serde(default)]
    pub parent_optional: bool,
    /// Every stored field with its value when a create does not set it.
    pub fields: Map<String, Value>,
    /// The field set to the emulator's clock (unix seconds) when it is created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// The status field and its timed transitions.
    #[serde(default)]
    pub status: Option<Status>,
    /// How it is shown: one view per response object type (or `<Action>Response`).
    #[serde(default)]
    pub views: BTreeMap<String, View>,
    /// How messages name it (`proxy group`); the kind's name in words by default.
    #[serde(default)]
    pub noun: Option<String>,
    /// Whether it is a listener (of any protocol): counted together by the library's
    /// `listeners_on`, and named "listener" where a message speaks of several protocols.
    #[serde(default)]
    pub listener: bool,
    /// For the kinds a config may hold as fixtures (proxies and groups): the fields a fixture
    /// sets.
    #[serde(default)]
    pub fixture: Option<FixtureFields>,
    /// How many resources of the kind one account holds at most: the emulator's own limit
    /// (the documentation gives none), so that no sequence of requests exhausts its memory.
    #[serde(default)]
    pub account_quota: Option<AccountQuota>,
}

/// The most resources of a kind an account holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountQuota {
    pub limit: u64,
    /// At the limit, a new one makes the oldest go (tasks, which nobody deletes) instead of
    /// refusing the request.
    #[serde(default)]
    pub forget_oldest: bool,
}

/// The fields a fixture of the config sets (`Fixture::id` names the resource).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FixtureFields {
    pub name: String,
    pub listener_quota: String,
    pub reserved_ports: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) enum IdFormat {
    /// `prefix` and this many random characters of `[0-9a-z]` (`link-bjkpdum1`).
    Random { prefix: String, length: usize },
    /// Numbers counting up from `start`, held as JSON numbers (`DnsRecordId`).
    Sequence { start: u64 },
    /// A random UUID (task ids).
    Uuid,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Parent {
    pub kind: String,
    pub field: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Status {
    pub field: String,
    /// The value a create gives it.
    pub initial: Value,
    /// The documented values, where a config may set them (a fixture's status).
    #[serde(default)]
    pub values: Vec<Value>,
    /// Transitional value → the value it takes after the transition time (`null`: the resource
    /// is gone).
    #[serde(default)]
    pub transitions: Vec<Transition>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Transition {
    pub from: Value,
    pub to: Value,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct View {
    /// Members copied from the stored field of the same name.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Members computed from the state.
    #[serde(default)]
    pub computed: BTreeMap<String, Computed>,
}

/// A member of a view that is not a stored field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) enum Computed {
    /// Always this value.
    Const(Value),
    /// The stored field of another name.
    Field(String),
    /// A stored field translated through a table (`RUNNING` → 0).
    Map {
        field: String,
        values: Map<String, Value>,
        default: Value,
    },
    /// The children of these kinds, each shown in `view`, in creation order.
    Children { kinds: Vec<String>, view: String },
    /// How many children of these kinds.
    Count { kinds: Vec<String> },
    /// How many distinct values the children of these kinds hold in `field` (the elements, for
    /// an array): the proxies named by a global domain's DNS records.
    DistinctCount { kinds: Vec<String>, field: String },
    /// Every resource of these kinds in the account, each shown in `view`.
    All {
        kinds: Vec<String>,
        view: String,
        #[serde(default)]
        except_bound_by: Option<BoundBy>,
    },
    /// How many resources of these kinds in the account.
    CountAll {
        kinds: Vec<String>,
        #[serde(default)]
        except_bound_by: Option<BoundBy>,
    },
    /// A field of the resource whose id is held in `id_field`, `null` when there is none.
    Lookup {
        kind: String,
        id_field: String,
        field: String,
    },
    /// A field of the first child of `kind`, `null` when there is none.
    ChildField { kind: String, field: String },
    /// A field of the parent (a rule's domain name, which a rename changes).
    ParentField(String),
    /// The stored `field`, unless it holds `when` (or nothing): then the `from` field of the
    /// nearest ancestor that has one, else `otherwise` (a rule's `ForwardProtocol` `default` is
    /// its listener's).
    Inherit {
        field: String,
        when: Value,
        from: String,
        otherwise: Value,
    },
    /// The element of the catalogue list `entry` whose `key` equals the stored `field`
    /// (`AccessRegion` → its `RegionDetail`), `null` when there is none.
    Catalogue {
        entry: String,
        key: String,
        field: String,
    },
    /// The elements of a stored array of ids, each resolved to the `field` of the resource of
    /// `kind` it names, as `{"<id_member>": id, "<value_member>": field}` objects.
    LookupEach {
        kind: String,
        ids_field: String,
        field: String,
        id_member: String,
        value_member: String,
    },
}

/// The children of `kind` (of the resource shown) whose `field` names the resources that an
/// `all` list leaves out: the real servers already bound to a listener.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BoundBy {
    pub kind: String,
    pub field: String,
}

/// What an action does.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub(crate) enum Action {
    Create(CreateOp),
    Describe(DescribeOp),
    Get(GetOp),
    Modify(ModifyOp),
    Delete(DeleteOp),
    SetStatus(SetStatusOp),
    ReplaceChildren(ReplaceChildrenOp),
    Catalogue(CatalogueOp),
    Statistics(StatisticsOp),
    /// Answers success and changes nothing: the action has no parameters and acts on nothing
    /// the API lets a caller see.
    Acknowledge(AcknowledgeOp),
    /// Carried out by code (`crate::custom`): the action does not fit an operation.
    Custom(CustomOp),
}

/// A code, or a code per kind of the resource concerned.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub(crate) enum ErrorCode {
    One(String),
    PerKind(BTreeMap<String, String>),
}

impl ErrorCode {
    pub fn for_kind(&self, kind: &str) -> &str {
        match self {
            ErrorCode::One(code) => code,
            ErrorCode::PerKind(codes) => codes
                .get(kind)
                .or_else(|| codes.get("*"))
                .map_or("FailedOperation", String::as_str),
        }
    }

    fn codes(&self) -> Vec<&str> {
        match self {
            ErrorCode::One(code) => vec![code],
            ErrorCode::PerKind(codes) => codes.values().map(String::as_str).collect(),
        }
    }
}

/// How an action finds the resource it acts on.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Target {
    /// The parameters holding the id (or ids, when an array), the first one present wins.
    #[serde(default)]
    pub params: Vec<String>,
    /// Instead of an id: the child of the resource named by `parent_param` whose fields equal
    /// these parameters (`{"Domain": "Domain"}`: a listener's domain, by name).
    #[serde(default)]
    pub parent_param: Option<String>,
    #[serde(default)]
    pub match_fields: BTreeMap<String, String>,
    /// Parameters that, when given, must equal a field of the resource (`ProxyId`).
    #[serde(default)]
    pub belongs: BTreeMap<String, String>,
    /// The code when nothing is found (default `ResourceNotFound`).
    #[serde(default)]
    pub not_found: Option<String>,
    /// The code when the parent is not found (default `not_found`).
    #[serde(default)]
    pub parent_not_found: Option<String>,
}

/// A condition on a field of the resource acted on, of its parent, or of the parent's parent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Requirement {
    #[serde(default)]
    pub of: Subject,
    pub field: String,
    /// The allowed values.
    #[serde(default, rename = "in")]
    pub is_in: Vec<Value>,
    /// The refused values.
    #[serde(default)]
    pub not_in: Vec<Value>,
    /// The code, by kind of the subject when it differs.
    pub error: ErrorCode,
    /// A parameter that, when `1`, lifts the requirement.
    #[serde(default)]
    pub unless: Option<String>,
    /// Where the answer lists the ids it could not act on (`report`), this one still refuses
    /// the whole request with its code (a proxy already `DESTROYING`: `ActionIsDoing`).
    #[serde(default)]
    pub whole_request: bool,
}

#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Subject {
    /// The resource acted on.
    #[default]
    Target,
    /// Its parent (for a create: the new resource's parent).
    Parent,
    /// Its parent's parent.
    Grandparent,
    /// The resource named by the target's `belongs` parameter (`ProxyId` of `DeleteListeners`),
    /// checked once, before the resources acted on, even when they do not exist.
    Owner,
}

/// No two resources of `among` under one parent (or in the account) have equal `fields`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Unique {
    pub fields: Vec<String>,
    pub among: Vec<String>,
    #[serde(default)]
    pub scope: Scope,
    pub error: String,
}

#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Scope {
    #[default]
    Parent,
    Account,
}

/// The parent holds at most `limit_field` (a stored field of the parent; `default` when it has
/// none) children of `among`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Quota {
    pub among: Vec<String>,
    #[serde(default)]
    pub limit_field: Option<String>,
    pub default: u64,
    pub error: String,
}

/// The value of `field` may not be one of the parent's `parent_field` list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Refused {
    pub field: String,
    pub parent_field: String,
    pub error: String,
}

/// A parameter that names another resource, which must exist.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Reference {
    pub param: String,
    pub kinds: Vec<String>,
    /// Values that name no resource and are accepted (`default`).
    #[serde(default)]
    pub except: Vec<String>,
    pub error: String,
}

/// Children (or referrers) that stop a delete or a change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Blocker {
    /// Children of these kinds...
    #[serde(default)]
    pub children: Vec<String>,
    /// ...or descendants of these kinds, at any depth...
    #[serde(default)]
    pub descendants: Vec<String>,
    /// ...or resources of these kinds (anywhere) whose `fields` hold the id.
    #[serde(default)]
    pub referrers: Vec<String>,
    #[serde(default)]
    pub fields: Vec<String>,
    pub error: String,
    /// A parameter that, when `1`, lifts the block.
    #[serde(default)]
    pub unless: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateOp {
    pub resource: String,
    /// The parameters naming the parent (their names are the parents' fields).
    #[serde(default)]
    pub parent_params: Vec<String>,
    /// Or the parent found as a target (a listener's domain).
    #[serde(default)]
    pub parent_target: Option<Target>,
    /// One resource per element of an array parameter.
    #[serde(default)]
    pub each: Option<Each>,
    /// Parameter → field where the names differ; other parameters named like a field set it.
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    /// Fields set to a constant.
    #[serde(default)]
    pub constants: Map<String, Value>,
    /// Fields computed from the new resource's fields: `{Field}` holes filled with them.
    #[serde(default)]
    pub templates: BTreeMap<String, String>,
    /// The code when a parent parameter names a resource of another kind (a TCP listener
    /// where an HTTP one is needed); default `ResourceNotFound`.
    #[serde(default)]
    pub parent_kind_error: Option<String>,
    #[serde(default)]
    pub requires: Vec<Requirement>,
    #[serde(default)]
    pub unique: Vec<Unique>,
    #[serde(default)]
    pub quota: Option<Quota>,
    #[serde(default)]
    pub refused: Option<Refused>,
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Children created with it, one per element of an array parameter.
    #[serde(default)]
    pub spawn: Option<Spawn>,
    /// Response field → `id`, `ids`, `parent_id`, or a view name (`NewRealServer[]`).
    pub returns: BTreeMap<String, String>,
    #[serde(default)]
    pub client_token: Option<ClientToken>,
    /// The code when the account holds as many resources of the kind (or of the kind spawned)
    /// as its `account_quota` allows: the action's documented limit code.
    #[serde(default)]
    pub account_quota_error: Option<String>,
}

/// The parameter that makes an action idempotent (`ClientToken`): a request carrying a token
/// already answered, with the same parameters, gets the same answer without being carried out
/// again; with other parameters, the `duplicate` code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClientToken {
    pub param: String,
    pub duplicate: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Each {
    pub param: String,
    /// The field each element sets; for an array of objects, `null`: the object's members set
    /// the fields of the same name.
    #[serde(default)]
    pub field: Option<String>,
    /// Other arrays paired element by element: parameter → field.
    #[serde(default)]
    pub paired: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Spawn {
    pub param: String,
    pub resource: String,
    /// Field of the child → field of the parent copied into it.
    #[serde(default)]
    pub inherit: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DescribeOp {
    pub resources: Vec<String>,
    pub view: String,
    pub list: Vec<String>,
    #[serde(default)]
    pub total: Option<String>,
    /// Parameters naming the parent whose children are listed.
    #[serde(default)]
    pub scope: Vec<String>,
    /// Parameters holding ids (or one id) the listed resources must have.
    #[serde(default)]
    pub ids: Vec<String>,
    /// Parameter → field: equal values only.
    #[serde(default, rename = "match")]
    pub match_fields: BTreeMap<String, String>,
    /// A parameter selecting by a field, with a value that means any (`ProjectId`, `-1`).
    #[serde(default)]
    pub project: Option<Project>,
    #[serde(default)]
    pub search: Option<Search>,
    #[serde(default)]
    pub filters: Option<Filters>,
    /// The parameter of tag pairs, any of which selects a resource.
    #[serde(default)]
    pub tags: Option<String>,
    /// A parameter: 1 lists resources without a parent, 0 resources with one.
    #[serde(default)]
    pub independent: Option<String>,
    #[serde(default)]
    pub paging: Option<Paging>,
    #[serde(default)]
    pub order: Option<Order>,
    /// The code when a scope or id names nothing (default: an empty list).
    #[serde(default)]
    pub not_found: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Project {
    pub param: String,
    pub field: String,
    /// The value that selects every resource.
    pub all: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Search {
    pub param: String,
    pub fields: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Filters {
    pub param: String,
    /// Filter name → field.
    pub names: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Paging {
    pub offset: String,
    pub limit: String,
    pub default: u64,
    pub max: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Order {
    pub param: String,
    pub field_param: String,
    /// Value of `field_param` → field.
    pub fields: BTreeMap<String, String>,
    pub default_field: String,
    pub default_descending: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GetOp {
    pub resources: Vec<String>,
    pub target: Target,
    /// The response field holding the view; `None`: the view's members are the response's.
    #[serde(default)]
    pub field: Option<String>,
    pub view: String,
    #[serde(default)]
    pub requires: Vec<Requirement>,
    /// Paging of the view's `all` and `children` lists.
    #[serde(default)]
    pub paging: Option<Paging>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModifyOp {
    pub resources: Vec<String>,
    pub target: Target,
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    /// Parameters that are not fields to set (the target's, flags).
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub constants: Map<String, Value>,
    /// Fields set to a value computed from the resource: `{field}` holes are filled with its
    /// fields (`{GroupId}.group.gaap.emulator.invalid`).
    #[serde(default)]
    pub templates: BTreeMap<String, String>,
    #[serde(default)]
    pub requires: Vec<Requirement>,
    #[serde(default)]
    pub unique: Vec<Unique>,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub blocked_by: Vec<Blocker>,
    /// A transitional status the change puts the resource in.
    #[serde(default)]
    pub status: Option<Value>,
    /// Response field → `id` or a field of the resource.
    #[serde(default)]
    pub returns: BTreeMap<String, String>,
    #[serde(default)]
    pub client_token: Option<ClientToken>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeleteOp {
    pub resources: Vec<String>,
    pub target: Target,
    #[serde(default)]
    pub requires: Vec<Requirement>,
    #[serde(default)]
    pub blocked_by: Vec<Blocker>,
    /// A transitional status (`DESTROYING`) instead of removing at once.
    #[serde(default)]
    pub status: Option<Value>,
    #[serde(default)]
    pub report: Option<Report>,
    #[serde(default)]
    pub client_token: Option<ClientToken>,
}

/// For actions on several resources that answer with lists rather than fail: where each id
/// goes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Report {
    #[serde(default)]
    pub succeeded: Option<String>,
    /// Ids whose status forbids the action.
    pub invalid: String,
    /// Ids that were refused for another reason (a blocker).
    pub failed: String,
    /// Whether an unknown id is `invalid` (rather than the whole request failing).
    #[serde(default)]
    pub unknown_is_invalid: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SetStatusOp {
    pub resources: Vec<String>,
    pub target: Target,
    /// The statuses it starts from; another is refused with `error` (or reported).
    pub from: Vec<Value>,
    pub error: String,
    /// The status it puts the resource in, and the one that follows after the transition time.
    pub to: Value,
    #[serde(default)]
    pub then: Option<Value>,
    /// The same change applied to the children of a kind.
    #[serde(default)]
    pub cascade: Option<Cascade>,
    #[serde(default)]
    pub requires: Vec<Requirement>,
    #[serde(default)]
    pub report: Option<Report>,
    /// A task created to carry the change out, whose id the response holds.
    #[serde(default)]
    pub task: Option<TaskOut>,
    #[serde(default)]
    pub client_token: Option<ClientToken>,
}

/// A resource of `kind` made by an action, its id in the response `field`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TaskOut {
    pub kind: String,
    pub field: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Cascade {
    pub kind: String,
    pub from: Vec<Value>,
    pub to: Value,
    #[serde(default)]
    pub then: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReplaceChildrenOp {
    pub resources: Vec<String>,
    pub target: Target,
    pub child: String,
    pub param: String,
    /// Members of each element that name resources which must exist.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// A member of the element that must equal a field of the referenced resource.
    #[serde(default)]
    pub consistent: Vec<Consistent>,
    #[serde(default)]
    pub requires: Vec<Requirement>,
    #[serde(default)]
    pub quota: Option<Quota>,
    /// The code when the account would hold more children of the kind than its
    /// `account_quota` allows.
    #[serde(default)]
    pub account_quota_error: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Consistent {
    pub member: String,
    pub reference: String,
    pub field: String,
    pub error: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogueOp {
    /// Response field → catalogue entry.
    pub output: BTreeMap<String, String>,
    /// Response field → its length, for lists.
    #[serde(default)]
    pub counts: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatisticsOp {
    pub resources: Vec<String>,
    pub target: Target,
    /// The response field of the series (`StatisticsData`).
    pub field: String,
    /// The parameter listing the metrics, one series each (`MetricNames`).
    pub metrics: String,
    /// The parameters of the series: seconds between points, first and last time.
    pub granularity: String,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AcknowledgeOp {
    pub doc: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CustomOp {
    pub handler: Handler,
    pub doc: String,
    /// The codes the handler answers with, for the check against the action's documented ones.
    #[serde(default)]
    pub errors: Vec<String>,
    /// The kinds of resource it reads or changes.
    #[serde(default)]
    pub resources: Vec<String>,
}

/// The hand-written handlers (`crate::custom`), by the name the model gives them: a name the
/// emulator has no handler for is a parse error of the model, and the handlers' `match` is
/// exhaustive.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Handler {
    CheckProxyCreate,
    InquiryPriceCreateProxy,
    AccessRegionsByDestRegion,
    RealServersStatus,
    ResourcesByTag,
    GroupDomainConfig,
    GlobalDomainDns,
    RealServerStatistics,
}

/// The action facts the check needs, from the SDK: the documented codes of each action.
#[cfg(test)]
pub(crate) type DocumentedCodes<'a> = &'a dyn Fn(&str) -> Option<&'static [&'static str]>;

impl Model {
    /// The embedded model, read and checked once.
    pub fn builtin() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| match Model::parse(RESOURCES, ACTIONS, CATALOGUE) {
            Ok(model) => model,
            // The embedded model is checked by the tests; a problem here is a bug of the build.
            Err(problems) => panic!("the emulator's model is invalid:\n{}", problems.join("\n")),
        })
    }

    /// Reads the three files and checks them; every problem, each naming where it is.
    pub fn parse(resources: &str, actions: &str, catalogue: &str) -> Result<Model, Vec<String>> {
        let mut problems = Vec::new();
        let resources: Option<ResourcesFile> =
            read("model/resources.json", resources, &mut problems);
        let actions: Option<ActionsFile> = read("model/actions.json", actions, &mut problems);
        let catalogue: Option<Map<String, Value>> =
            read("model/catalogue.json", catalogue, &mut problems);
        let (Some(resources), Some(actions), Some(catalogue)) = (resources, actions, catalogue)
        else {
            return Err(problems);
        };
        for (file, format) in [
            ("model/resources.json", resources.format),
            ("model/actions.json", actions.format),
        ] {
            if format != 1 {
                problems.push(format!("{file}: format {format}: only 1 is known"));
            }
        }
        let model = Model {
            resources: resources.resources,
            actions: actions.actions,
            catalogue,
        };
        model.check_structure(&mut problems);
        if problems.is_empty() {
            Ok(model)
        } else {
            Err(problems)
        }
    }

    /// How messages name a kind: its `noun`, or the kind in words (`tcp listener`).
    pub fn noun(&self, kind: &str) -> String {
        match self.resources.get(kind).and_then(|r| r.noun.as_ref()) {
            Some(noun) => noun.clone(),
            None => kind.replace('_', " "),
        }
    }

    /// The kinds a resource of `kind` may have above it, at any depth.
    pub fn ancestors(&self, kind: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut stack: Vec<&str> = vec![kind];
        while let Some(k) = stack.pop() {
            for p in self.resources.get(k).into_iter().flat_map(|r| &r.parents) {
                if !out.contains(&p.kind.as_str()) {
                    out.push(&p.kind);
                    stack.push(&p.kind);
                }
            }
        }
        out
    }

    /// Whether a kind is a listener.
    pub fn is_listener(&self, kind: &str) -> bool {
        self.resources.get(kind).is_some_and(|r| r.listener)
    }

    /// The checks that need the SDK: every action of the SDK is bound, no other, and every code
    /// the model answers with is documented for its action.
    #[cfg(test)]
    pub fn check_against(&self, actions: &[&str], documented: DocumentedCodes<'_>) -> Vec<String> {
        let mut problems = Vec::new();
        for action in actions {
            if !self.actions.contains_key(*action) {
                problems.push(format!("action {action}: not bound to an operation"));
            }
        }
        for (name, action) in &self.actions {
            let Some(codes) = documented(name) else {
                problems.push(format!("action {name}: the SDK has no such action"));
                continue;
            };
            for code in action.error_codes() {
                if !codes.contains(&code) && !gaap::CommonError::CODES.contains(&code) {
                    problems.push(format!(
                        "action {name}: answers {code}, which is not documented for it"
                    ));
                }
            }
        }
        problems
    }

    fn check_structure(&self, problems: &mut Vec<String>) {
        let kinds: BTreeSet<&str> = self.resources.keys().map(String::as_str).collect();
        let kind_ok = |where_: &str, kind: &str, problems: &mut Vec<String>| {
            if !kinds.contains(kind) {
                problems.push(format!("{where_}: unknown resource kind `{kind}`"));
            }
        };
        for (name, r) in &self.resources {
            let at = format!("resource {name}");
            for f in &r.id_fields {
                if !r.fields.contains_key(f) {
                    problems.push(format!("{at}: id field `{f}` is not a field"));
                }
            }
            for p in &r.parents {
                kind_ok(&at, &p.kind, problems);
                if !r.fields.contains_key(&p.field) {
                    problems.push(format!("{at}: parent field `{}` is not a field", p.field));
                }
            }
            if let Some(f) = &r.created_at
                && !r.fields.contains_key(f)
            {
                problems.push(format!("{at}: created_at `{f}` is not a field"));
            }
            if let Some(s) = &r.status {
                if !r.fields.contains_key(&s.field) {
                    problems.push(format!("{at}: status field `{}` is not a field", s.field));
                }
                check_status(&at, s, problems);
            }
            if let Some(f) = &r.fixture {
                for field in [&f.name, &f.listener_quota, &f.reserved_ports] {
                    if !r.fields.contains_key(field) {
                        problems.push(format!("{at}: fixture field `{field}` is not a field"));
                    }
                }
            }
            for (view_name, view) in &r.views {
                let at = format!("{at}: view {view_name}");
                for f in &view.fields {
                    if !r.fields.contains_key(f) {
                        problems.push(format!("{at}: `{f}` is not a field of {name}"));
                    }
                    if view.computed.contains_key(f) {
                        problems.push(format!("{at}: `{f}` is both copied and computed"));
                    }
                }
                for (member, c) in &view.computed {
                    let at = format!("{at}: {member}");
                    self.check_computed(&at, name, c, problems);
                }
            }
        }
        for (name, action) in &self.actions {
            let at = format!("action {name}");
            for kind in action.kinds() {
                kind_ok(&at, kind, problems);
            }
            for (kind, view) in action.views() {
                if let Some(r) = self.resources.get(kind)
                    && !r.views.contains_key(view)
                {
                    problems.push(format!("{at}: resource {kind} has no view {view}"));
                }
            }
            for (kind, field) in action.fields() {
                if let Some(r) = self.resources.get(kind)
                    && !r.fields.contains_key(field)
                {
                    problems.push(format!("{at}: `{field}` is not a field of {kind}"));
                }
            }
            // Every action that makes resources of a kind with an account quota says its code.
            let (made, code): (Vec<&str>, Option<&String>) = match action {
                Action::Create(op) => (
                    std::iter::once(op.resource.as_str())
                        .chain(op.spawn.iter().map(|s| s.resource.as_str()))
                        .collect(),
                    op.account_quota_error.as_ref(),
                ),
                Action::ReplaceChildren(op) => {
                    (vec![op.child.as_str()], op.account_quota_error.as_ref())
                }
                _ => (Vec::new(), None),
            };
            let limited = made.iter().any(|k| {
                self.resources
                    .get(*k)
                    .and_then(|r| r.account_quota.as_ref())
                    .is_some_and(|q| !q.forget_oldest)
            });
            if limited && code.is_none() {
                problems.push(format!(
                    "{at}: makes resources with an account quota, and has no account_quota_error"
                ));
            }
            if let Action::Catalogue(op) = action {
                for entry in op.output.values() {
                    if !self.catalogue.contains_key(entry) {
                        problems.push(format!("{at}: no catalogue entry `{entry}`"));
                    }
                }
            }
        }
    }

    fn check_computed(&self, at: &str, kind: &str, c: &Computed, problems: &mut Vec<String>) {
        let own = &self.resources[kind];
        let field_of = |k: &str, f: &str, problems: &mut Vec<String>| match self.resources.get(k) {
            None => problems.push(format!("{at}: unknown resource kind `{k}`")),
            Some(r) if !r.fields.contains_key(f) => {
                problems.push(format!("{at}: `{f}` is not a field of {k}"));
            }
            Some(_) => {}
        };
        let view_of = |kinds: &[String], view: &str, problems: &mut Vec<String>| {
            for k in kinds {
                match self.resources.get(k) {
                    None => problems.push(format!("{at}: unknown resource kind `{k}`")),
                    Some(r) if !r.views.contains_key(view) => {
                        problems.push(format!("{at}: resource {k} has no view {view}"));
                    }
                    Some(_) => {}
                }
            }
        };
        match c {
            Computed::Const(_) => {}
            Computed::Field(f) | Computed::Map { field: f, .. } => {
                if !own.fields.contains_key(f) {
                    problems.push(format!("{at}: `{f}` is not a field of {kind}"));
                }
            }
            Computed::Children { kinds, view } => view_of(kinds, view, problems),
            Computed::All {
                kinds,
                view,
                except_bound_by,
            } => {
                view_of(kinds, view, problems);
                if let Some(b) = except_bound_by {
                    field_of(&b.kind, &b.field, problems);
                }
            }
            Computed::DistinctCount { kinds, field } => {
                for k in kinds {
                    field_of(k, field, problems);
                }
            }
            Computed::Count { kinds } | Computed::CountAll { kinds, .. } => {
                for k in kinds {
                    if !self.resources.contains_key(k) {
                        problems.push(format!("{at}: unknown resource kind `{k}`"));
                    }
                }
                if let Computed::CountAll {
                    except_bound_by: Some(b),
                    ..
                } = c
                {
                    field_of(&b.kind, &b.field, problems);
                }
            }
            Computed::Lookup {
                kind: k,
                id_field,
                field,
            } => {
                field_of(kind, id_field, problems);
                field_of(k, field, problems);
            }
            Computed::ChildField { kind: k, field } => field_of(k, field, problems),
            Computed::Inherit { field, from, .. } => {
                if !own.fields.contains_key(field) {
                    problems.push(format!("{at}: `{field}` is not a field of {kind}"));
                }
                if !self
                    .ancestors(kind)
                    .iter()
                    .any(|a| self.resources[*a].fields.contains_key(from))
                {
                    problems.push(format!("{at}: no ancestor of {kind} has a field `{from}`"));
                }
            }
            Computed::ParentField(field) => {
                let any = own.parents.iter().any(|p| {
                    self.resources
                        .get(&p.kind)
                        .is_some_and(|r| r.fields.contains_key(field))
                });
                if !any {
                    problems.push(format!("{at}: no parent of {kind} has a field `{field}`"));
                }
            }
            Computed::Catalogue { entry, field, .. } => {
                if !self.catalogue.contains_key(entry) {
                    problems.push(format!("{at}: no catalogue entry `{entry}`"));
                }
                if !own.fields.contains_key(field) {
                    problems.push(format!("{at}: `{field}` is not a field of {kind}"));
                }
            }
            Computed::LookupEach {
                kind: k,
                ids_field,
                field,
                ..
            } => {
                field_of(kind, ids_field, problems);
                field_of(k, field, problems);
            }
        }
    }
}

/// A status's values are among the documented ones (where the model lists them), and its
/// transitions end: a chain that comes back to where it started would settle forever under a
/// zero transition time.
fn check_status(at: &str, status: &Status, problems: &mut Vec<String>) {
    if !status.values.is_empty() {
        let mut used = vec![&status.initial];
        for t in &status.transitions {
            used.push(&t.from);
            if !t.to.is_null() {
                used.push(&t.to);
            }
        }
        for v in used {
            if !status.values.contains(v) {
                problems.push(format!(
                    "{at}: status {v} is not one of its documented values"
                ));
            }
        }
    }
    for t in &status.transitions {
        if status
            .transitions
            .iter()
            .filter(|o| o.from == t.from)
            .count()
            > 1
        {
            problems.push(format!("{at}: status {} has two transitions", t.from));
        }
        // Follow the chain from `t`: it must reach a status without a transition.
        let mut at_value = &t.to;
        let mut steps = 0;
        while let Some(next) = status.transitions.iter().find(|o| o.from == *at_value) {
            steps += 1;
            if steps > status.transitions.len() {
                problems.push(format!(
                    "{at}: the transitions from {} come back to it (a cycle)",
                    t.from
                ));
                break;
            }
            at_value = &next.to;
        }
    }
}

fn read<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
    problems: &mut Vec<String>,
) -> Option<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize(&mut de) {
        Ok(value) => Some(value),
        Err(err) => {
            problems.push(format!("{file}: {}: {}", err.path(), err.inner()));
            None
        }
    }
}

impl Action {
    /// The parameter that makes it idempotent, if any.
    pub fn client_token(&self) -> Option<&ClientToken> {
        match self {
            Action::Create(op) => op.client_token.as_ref(),
            Action::Modify(op) => op.client_token.as_ref(),
            Action::Delete(op) => op.client_token.as_ref(),
            Action::SetStatus(op) => op.client_token.as_ref(),
            _ => None,
        }
    }

    /// A one-line description of what it does, for the coverage table.
    pub fn summary(&self) -> String {
        let what = match self {
            Action::Create(op) => {
                let what = match &op.each {
                    Some(each) => {
                        format!("creates one {} per element of {}", op.resource, each.param)
                    }
                    None => format!("creates one {}", op.resource),
                };
                match &op.spawn {
                    Some(s) => format!("{what}, and a {} per element of {}", s.resource, s.param),
                    None => what,
                }
            }
            Action::Describe(op) => {
                let mut how = Vec::new();
                if !op.scope.is_empty() {
                    how.push(format!("by {}", op.scope.join("/")));
                }
                if !op.ids.is_empty() {
                    how.push(format!("ids {}", op.ids.join("/")));
                }
                how.extend(op.match_fields.keys().cloned());
                if let Some(s) = &op.search {
                    how.push(s.param.clone());
                }
                if let Some(f) = &op.filters {
                    how.push(format!(
                        "{} ({})",
                        f.param,
                        f.names.keys().cloned().collect::<Vec<_>>().join(", ")
                    ));
                }
                if let Some(t) = &op.tags {
                    how.push(t.clone());
                }
                if op.paging.is_some() {
                    how.push("Offset/Limit".into());
                }
                format!(
                    "lists {} as {}: {}",
                    op.resources.join("/"),
                    op.view,
                    how.join(", ")
                )
            }
            Action::Get(op) => format!("shows one {} as {}", op.resources.join("/"), op.view),
            Action::Modify(op) => {
                let mut fields: Vec<&str> = op.set.values().map(String::as_str).collect();
                fields.extend(op.constants.keys().map(String::as_str));
                fields.extend(op.templates.keys().map(String::as_str));
                let what = if fields.is_empty() {
                    String::new()
                } else {
                    format!(" (and {})", fields.join(", "))
                };
                let status = op
                    .status
                    .as_ref()
                    .map(|s| format!(", through status {s}"))
                    .unwrap_or_default();
                format!(
                    "sets the fields of one {} that the request names{what}{status}",
                    op.resources.join("/")
                )
            }
            Action::Delete(op) => match &op.status {
                Some(s) => format!("deletes {} (through {s})", op.resources.join("/")),
                None => format!("deletes {}", op.resources.join("/")),
            },
            Action::SetStatus(op) => format!(
                "moves {} from {} to {}{}",
                op.resources.join("/"),
                op.from
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join("/"),
                op.to,
                op.then
                    .as_ref()
                    .map(|t| format!(" then {t}"))
                    .unwrap_or_default()
            ),
            Action::ReplaceChildren(op) => format!(
                "replaces the {} of one {} with {}",
                op.child,
                op.resources.join("/"),
                op.param
            ),
            Action::Catalogue(op) => format!(
                "answers from the catalogue: {}",
                op.output.values().cloned().collect::<Vec<_>>().join(", ")
            ),
            Action::Statistics(op) => {
                format!(
                    "statistics of one {}: a point per Granularity from StartTime to EndTime, all 0 (no traffic flows through the emulator)",
                    op.resources.join("/")
                )
            }
            Action::Acknowledge(op) => format!("acknowledges: {}", op.doc),
            Action::Custom(op) => format!("by hand ({:?}): {}", op.handler, op.doc),
        };
        match self.client_token() {
            Some(t) => format!(
                "{what}; a repeated {} gets the first answer (other parameters: {})",
                t.param, t.duplicate
            ),
            None => what,
        }
    }

    /// Every code the action may answer with besides the protocol's and validation's.
    pub fn error_codes(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = Vec::new();
        fn requirements<'m>(reqs: &'m [Requirement], codes: &mut Vec<&'m str>) {
            for r in reqs {
                codes.extend(r.error.codes());
            }
        }
        fn target<'m>(t: &'m Target, codes: &mut Vec<&'m str>) {
            codes.push(t.not_found.as_deref().unwrap_or("ResourceNotFound"));
            if let Some(c) = &t.parent_not_found {
                codes.push(c);
            }
        }
        match self {
            Action::Create(op) => {
                if !op.parent_params.is_empty() {
                    codes.push("ResourceNotFound");
                }
                codes.extend(op.parent_kind_error.as_deref());
                if op.each.as_ref().is_some_and(|e| !e.paired.is_empty()) {
                    codes.push("InvalidParameterValue");
                }
                if let Some(t) = &op.parent_target {
                    target(t, &mut codes);
                }
                requirements(&op.requires, &mut codes);
                codes.extend(op.unique.iter().map(|u| u.error.as_str()));
                codes.extend(op.quota.iter().map(|q| q.error.as_str()));
                codes.extend(op.refused.iter().map(|r| r.error.as_str()));
                codes.extend(op.references.iter().map(|r| r.error.as_str()));
                codes.extend(op.account_quota_error.as_deref());
                if op.each.is_some() || op.spawn.is_some() {
                    // More than MAX_CREATED_PER_REQUEST resources in one request.
                    codes.push("InvalidParameterValue");
                }
            }
            Action::Describe(op) => {
                codes.extend(op.not_found.as_deref());
                if op.filters.is_some() || op.order.is_some() {
                    codes.push("InvalidParameterValue");
                }
            }
            Action::Get(op) => {
                target(&op.target, &mut codes);
                requirements(&op.requires, &mut codes);
            }
            Action::Modify(op) => {
                target(&op.target, &mut codes);
                requirements(&op.requires, &mut codes);
                codes.extend(op.unique.iter().map(|u| u.error.as_str()));
                codes.extend(op.references.iter().map(|r| r.error.as_str()));
                codes.extend(op.blocked_by.iter().map(|b| b.error.as_str()));
            }
            Action::Delete(op) => {
                target(&op.target, &mut codes);
                requirements(&op.requires, &mut codes);
                codes.extend(op.blocked_by.iter().map(|b| b.error.as_str()));
            }
            Action::SetStatus(op) => {
                target(&op.target, &mut codes);
                requirements(&op.requires, &mut codes);
                codes.push(&op.error);
            }
            Action::ReplaceChildren(op) => {
                target(&op.target, &mut codes);
                requirements(&op.requires, &mut codes);
                codes.extend(op.references.iter().map(|r| r.error.as_str()));
                codes.extend(op.consistent.iter().map(|c| c.error.as_str()));
                codes.extend(op.quota.iter().map(|q| q.error.as_str()));
                codes.extend(op.account_quota_error.as_deref());
                codes.push("InvalidParameterValue");
            }
            Action::Statistics(op) => {
                target(&op.target, &mut codes);
                codes.push("InvalidParameterValue");
            }
            Action::Catalogue(_) | Action::Acknowledge(_) => {}
            Action::Custom(op) => codes.extend(op.errors.iter().map(String::as_str)),
        }
        codes.extend(self.client_token().map(|t| t.duplicate.as_str()));
        codes.sort_unstable();
        codes.dedup();
        codes
    }

    /// The resource kinds it names.
    pub fn kinds(&self) -> Vec<&str> {
        let mut kinds: Vec<&str> = Vec::new();
        match self {
            Action::Create(op) => {
                kinds.push(&op.resource);
                for u in &op.unique {
                    kinds.extend(u.among.iter().map(String::as_str));
                }
                if let Some(q) = &op.quota {
                    kinds.extend(q.among.iter().map(String::as_str));
                }
                for r in &op.references {
                    kinds.extend(r.kinds.iter().map(String::as_str));
                }
                if let Some(s) = &op.spawn {
                    kinds.push(&s.resource);
                }
            }
            Action::Describe(op) => kinds.extend(op.resources.iter().map(String::as_str)),
            Action::Get(op) => kinds.extend(op.resources.iter().map(String::as_str)),
            Action::Modify(op) => {
                kinds.extend(op.resources.iter().map(String::as_str));
                for r in &op.references {
                    kinds.extend(r.kinds.iter().map(String::as_str));
                }
                for b in &op.blocked_by {
                    kinds.extend(b.children.iter().map(String::as_str));
                    kinds.extend(b.descendants.iter().map(String::as_str));
                    kinds.extend(b.referrers.iter().map(String::as_str));
                }
            }
            Action::Delete(op) => {
                kinds.extend(op.resources.iter().map(String::as_str));
                for b in &op.blocked_by {
                    kinds.extend(b.children.iter().map(String::as_str));
                    kinds.extend(b.descendants.iter().map(String::as_str));
                    kinds.extend(b.referrers.iter().map(String::as_str));
                }
            }
            Action::SetStatus(op) => {
                kinds.extend(op.resources.iter().map(String::as_str));
                if let Some(c) = &op.cascade {
                    kinds.push(&c.kind);
                }
                if let Some(t) = &op.task {
                    kinds.push(&t.kind);
                }
            }
            Action::ReplaceChildren(op) => {
                kinds.extend(op.resources.iter().map(String::as_str));
                kinds.push(&op.child);
                for r in &op.references {
                    kinds.extend(r.kinds.iter().map(String::as_str));
                }
            }
            Action::Statistics(op) => kinds.extend(op.resources.iter().map(String::as_str)),
            Action::Custom(op) => kinds.extend(op.resources.iter().map(String::as_str)),
            Action::Catalogue(_) | Action::Acknowledge(_) => {}
        }
        kinds
    }

    /// (kind, view) pairs it shows.
    pub fn views(&self) -> Vec<(&str, &str)> {
        match self {
            Action::Describe(op) => op
                .resources
                .iter()
                .map(|k| (k.as_str(), op.view.as_str()))
                .collect(),
            Action::Get(op) => op
                .resources
                .iter()
                .map(|k| (k.as_str(), op.view.as_str()))
                .collect(),
            Action::Create(op) => op
                .returns
                .values()
                .filter(|v| !matches!(v.as_str(), "id" | "ids" | "parent_id"))
                .map(|v| (op.resource.as_str(), v.trim_end_matches("[]")))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// (kind, field) pairs it reads or writes by name.
    pub fn fields(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = Vec::new();
        match self {
            Action::Create(op) => {
                for f in op
                    .set
                    .values()
                    .chain(op.constants.keys())
                    .chain(op.templates.keys())
                {
                    out.push((&op.resource, f));
                }
                if let Some(e) = &op.each {
                    if let Some(f) = &e.field {
                        out.push((&op.resource, f));
                    }
                    for f in e.paired.values() {
                        out.push((&op.resource, f));
                    }
                }
                for u in &op.unique {
                    for k in &u.among {
                        for f in &u.fields {
                            out.push((k, f));
                        }
                    }
                }
            }
            Action::Modify(op) => {
                for k in &op.resources {
                    for f in op
                        .set
                        .values()
                        .chain(op.constants.keys())
                        .chain(op.templates.keys())
                    {
                        out.push((k, f));
                    }
                    for r in op.requires.iter().filter(|r| r.of == Subject::Target) {
                        out.push((k, &r.field));
                    }
                }
            }
            Action::Describe(op) => {
                for k in &op.resources {
                    for f in op
                        .match_fields
                        .values()
                        .chain(op.project.iter().map(|p| &p.field))
                    {
                        out.push((k, f));
                    }
                    if let Some(s) = &op.search {
                        out.extend(s.fields.iter().map(|f| (k.as_str(), f.as_str())));
                    }
                    if let Some(fs) = &op.filters {
                        out.extend(fs.names.values().map(|f| (k.as_str(), f.as_str())));
                    }
                    if let Some(o) = &op.order {
                        out.extend(o.fields.values().map(|f| (k.as_str(), f.as_str())));
                    }
                    if let Some(t) = &op.tags {
                        out.push((k, t));
                    }
                }
            }
            Action::Delete(op) => {
                for k in &op.resources {
                    for r in op.requires.iter().filter(|r| r.of == Subject::Target) {
                        out.push((k, &r.field));
                    }
                }
            }
            Action::SetStatus(op) => {
                for k in &op.resources {
                    for r in op.requires.iter().filter(|r| r.of == Subject::Target) {
                        out.push((k, &r.field));
                    }
                }
            }
            _ => {}
        }
        out
    }
}
