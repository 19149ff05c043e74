//! What the model says of each action, for the coverage table (`COVERAGE.md`, written by the
//! `coverage` test of this crate from this and from the tests that name each action).

use crate::model::{Action, Model};

/// One action as the model binds it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ActionCoverage {
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
pub fn coverage() -> Vec<ActionCoverage> {
    Model::builtin()
        .actions
        .iter()
        .map(|(name, action)| ActionCoverage {
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

/// The problems of the model against the SDK: an action of the SDK the model does not bind, or
/// a code it answers with that the action does not document. Empty when all is well.
pub fn model_problems() -> Vec<String> {
    Model::builtin().check_against(gaap::ACTIONS, &crate::actions::documented_codes)
}

/// Every kind of resource of the model with its description, by name.
pub fn resource_kinds() -> Vec<(String, String)> {
    Model::builtin()
        .resources
        .iter()
        .map(|(name, r)| (name.clone(), r.doc.clone()))
        .collect()
}
