//! What the model says of each action and kind, for this crate's own coverage test, which
//! writes `COVERAGE.md` from it and from the answers the test suite got. Not part of the API:
//! hidden from the documentation, it may change without notice.

use crate::model::{Action, Model};

/// One action as the model binds it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ActionFacts {
    /// `CreateProxy`.
    pub action: String,
    /// The operation, in words (`creates a proxy`).
    pub operation: String,
    /// The codes it answers with besides the protocol's and validation's: resource missing,
    /// wrong state, duplicate, quota, in use.
    pub state_errors: Vec<String>,
    /// Whether it is carried out by code rather than by an operation of the model.
    pub hand_written: bool,
}

/// Every action of the model, by name.
pub fn actions() -> Vec<ActionFacts> {
    Model::builtin()
        .actions
        .iter()
        .map(|(name, action)| ActionFacts {
            action: name.clone(),
            operation: action.summary(),
            state_errors: action
                .error_codes()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            hand_written: matches!(action, Action::Custom(_)),
        })
        .collect()
}

/// One kind of resource of the model.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KindFacts {
    /// `tcp_listener`.
    pub kind: String,
    /// What it is.
    pub doc: String,
    /// How many an account holds at most.
    pub account_quota: Option<u64>,
    /// Whether, at the quota, the oldest goes rather than a create being refused.
    pub forget_oldest: bool,
}

/// Every kind of resource of the model, by name.
pub fn resource_kinds() -> Vec<KindFacts> {
    Model::builtin()
        .resources
        .iter()
        .map(|(name, r)| KindFacts {
            kind: name.clone(),
            doc: r.doc.clone(),
            account_quota: r.account_quota.as_ref().map(|q| q.limit),
            forget_oldest: r.account_quota.as_ref().is_some_and(|q| q.forget_oldest),
        })
        .collect()
}
