//! The contract between generated code and the client: what an action is, what its response
//! and its errors look like.
//!
//! `gaap_api!` implements [`Action`] on each generated request type, [`ActionResponse`] on each
//! response type and [`ApiError`] on each per-action error enum, so one generic client can send
//! any action without knowing it.

use std::fmt;

use crate::paginate::PaginatedVisitor;
use crate::validate::Validate;
use crate::waiter::Waiter;
use crate::wire::{Flatten, FromJson};

/// Whether an action takes the `Region` common parameter (`X-TC-Region` header or `Region`
/// parameter), as its documentation states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionRule {
    /// "本接口不需要传递此参数": the region is never sent, even when the client has one.
    None,
    /// The action needs a region; sending without one is an error caught before sending.
    Required,
    /// The region is sent when the client has one.
    Optional,
}

/// Whether repeating an action can change its outcome, which decides what the client may retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// The action only reads (`Describe*`, `Inquiry*`): repeating it is harmless.
    ReadOnly,
    /// The action has a `ClientToken` parameter: the server deduplicates requests that carry the
    /// same token, so a retry with the same token is safe.
    ClientToken,
    /// Repeating the action may repeat its effect: a request whose fate is unknown is never
    /// retried.
    None,
}

impl Idempotency {
    /// Whether a request whose fate is unknown (sent, but no answer) may be sent again.
    pub fn retry_is_safe(self) -> bool {
        !matches!(self, Idempotency::None)
    }
}

/// A request of one API action. Implemented by every request type that `gaap_api!` generates.
///
/// The associated constants carry what the spec says of the action; the client reads them to
/// address, sign, throttle and retry the request.
pub trait Action:
    Validate + Flatten + FromJson + serde::Serialize + Sized + Send + Sync + 'static
{
    /// The typed successful response.
    type Response: ActionResponse;
    /// The typed error of this action: one variant per code the action documents, `Common`
    /// ([`CommonError`](crate::CommonError)) for the common codes of Tencent Cloud API 3.0.
    type Error: ApiError;

    /// The action name sent as `X-TC-Action` (`CreateTCPListeners`).
    const ACTION: &'static str;
    /// The API version sent as `X-TC-Version` (`2018-05-29`).
    const VERSION: &'static str;
    /// The service name, used in the TC3 credential scope (`gaap`).
    const SERVICE: &'static str;
    /// The documented endpoint host (`gaap.tencentcloudapi.com`).
    const HOST: &'static str;
    /// Whether the action takes a region.
    const REGION: RegionRule;
    /// The documented default rate limit of the action, in requests per second.
    const RATE_LIMIT_PER_SECOND: Option<u32>;
    /// What a retry of this action risks.
    const IDEMPOTENCY: Idempotency;
    /// The `.N`-flattened paths of the parameters the spec marks `sensitive` (a certificate's
    /// private key), `*` standing for any array index (`Certificates.*.Key`). Their values are
    /// redacted from `Debug` output wherever they appear (the request's own `Debug`, a signed
    /// request's URL and strings to sign) and scrubbed from error messages that would quote
    /// them. Empty for most actions.
    const SENSITIVE_PARAMS: &'static [&'static str] = &[];

    /// The `ClientToken` parameter, for actions that have one; the client fills it with a fresh
    /// UUID when it is empty so that every attempt of one call carries the same token.
    fn client_token_mut(&mut self) -> Option<&mut Option<String>> {
        None
    }

    /// The waiters of the action, generated from the `waiters` of its spec (the same values as
    /// the constants of the action's module, `describe_proxies::PROXY_RUNNING`), so that code
    /// holding only the action can find one by name. Empty for most actions.
    const WAITERS: &'static [Waiter<Self>] = &[];

    /// The waiter named `name` (`ProxyRunning`), if the action has one.
    fn waiter(name: &str) -> Option<Waiter<Self>> {
        Self::WAITERS.iter().find(|w| w.name == name).copied()
    }

    /// Calls `visitor` with this request type if the action pages (its spec has a `pagination`
    /// block, and the request implements [`Paginated`](crate::Paginated)); `None` otherwise.
    fn visit_paginated<V: PaginatedVisitor>(visitor: V) -> Option<V::Output> {
        let _ = visitor;
        None
    }
}

/// A successful response of an action.
pub trait ActionResponse: FromJson + Send + Sync + 'static {
    /// The paths of the response fields the spec marks `sensitive`, as
    /// [`Action::SENSITIVE_PARAMS`]: an error never quotes an answer that may hold them.
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];

    /// The `RequestId` the server gave this call.
    fn request_id(&self) -> &str;
}

/// Whether the flattened `key` (`Certificates.0.Key`) is one of `patterns`
/// ([`Action::SENSITIVE_PARAMS`]), where `*` stands for any array index.
pub fn is_sensitive(patterns: &[&str], key: &str) -> bool {
    patterns.iter().any(|pattern| {
        let mut keys = key.split('.');
        let mut parts = pattern.split('.');
        loop {
            match (parts.next(), keys.next()) {
                (None, None) => return true,
                (Some("*"), Some(segment)) if segment.bytes().all(|b| b.is_ascii_digit()) => {}
                (Some(part), Some(segment)) if part == segment => {}
                _ => return false,
            }
        }
    })
}

/// What every API error carries besides its code: the server's message and the request id to
/// quote when asking Tencent Cloud support about the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorMeta {
    /// The error code exactly as the server sent it (`InvalidParameterValue.DuplicatedListenerPort`).
    pub code: String,
    /// The server's human-readable message.
    pub message: String,
    /// The request id of the failed call (empty if the server sent none).
    pub request_id: String,
    /// The `ClientToken` the call carried, when the client sent it (see
    /// [`Error::client_token`](crate::Error::client_token)); `None` otherwise.
    pub client_token: Option<String>,
}

impl ErrorMeta {
    /// A code, message and request id, without a `ClientToken`.
    pub fn new(
        code: impl Into<String>,
        message: impl Into<String>,
        request_id: impl Into<String>,
    ) -> Self {
        ErrorMeta {
            code: code.into(),
            message: message.into(),
            request_id: request_id.into(),
            client_token: None,
        }
    }
}

/// Control characters the server sent (a newline in a message, an escape sequence) are shown
/// escaped, so that an error message cannot forge log lines or drive a terminal; the fields keep
/// the text as sent.
impl fmt::Display for ErrorMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            EscapeControl(&self.code),
            EscapeControl(&self.message)
        )?;
        if !self.request_id.is_empty() {
            write!(f, " (RequestId: {})", EscapeControl(&self.request_id))?;
        }
        Ok(())
    }
}

/// Text with its control characters escaped (`\n`, `\u{1b}`), everything else as is.
pub(crate) struct EscapeControl<'a>(pub(crate) &'a str);

impl fmt::Display for EscapeControl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

/// The position of `code` in `codes`: how generated error enums map a code to its variant.
pub fn find_code(codes: &[&str], code: &str) -> Option<usize> {
    codes.iter().position(|c| *c == code)
}

/// The typed error of one action, as generated from the spec's error codes and the common
/// error codes of Tencent Cloud API 3.0.
pub trait ApiError: std::error::Error + Send + Sync + 'static {
    /// Every code with its own variant: the codes the action documents. The common codes are
    /// [`CommonError::CODES`](crate::CommonError::CODES).
    const CODES: &'static [&'static str];

    /// Maps an error the server returned to its variant; an undocumented code becomes the
    /// `Unknown` variant, with the code kept.
    fn from_meta(meta: ErrorMeta) -> Self;
    /// The code, message and request id.
    fn meta(&self) -> &ErrorMeta;
    /// The error code (`InvalidParameterValue.DuplicatedListenerPort`).
    fn code(&self) -> &str {
        &self.meta().code
    }
    /// The documented description of the code, or `None` for a code the spec does not know.
    fn description(&self) -> Option<&'static str>;
    /// Whether the code says the caller was throttled (`RequestLimitExceeded` and its subcodes).
    fn is_throttling(&self) -> bool {
        let code = self.code();
        code == "RequestLimitExceeded" || code.starts_with("RequestLimitExceeded.")
    }
}

/// Code that works on any action, chosen by name at run time: the root crate's registry calls
/// [`visit`](ActionVisitor::visit) with the request type of the named action, so a caller can
/// decode, validate or answer a request without a `match` over every action.
pub trait ActionVisitor {
    /// What the visit produces.
    type Output;
    /// Called with the request type of the action.
    fn visit<A: Action>(self) -> Self::Output;
}
