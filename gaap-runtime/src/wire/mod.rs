//! The wire formats of Tencent Cloud API 3.0 parameters.
//!
//! - JSON: requests are `serde::Serialize` (generated impls, PascalCase names, absent optionals
//!   omitted); requests and responses are read back by [`FromJson`], which accepts integers
//!   sent as strings, as the API itself does.
//! - `.N` flattening ([`Flatten`]): arrays as `Ports.0`, objects as `A.B`, composed
//!   (`RealServerBindSet.0.RealServerId`), for GET queries and form bodies; [`unflatten`] is its
//!   inverse and reports malformed pairs as errors.

mod decode;
mod error;
mod flatten;
mod unflatten;

pub use decode::{
    FromJson, Mode, choice, deny_unknown, deserialize_via_json, integer_value, object,
    optional_array_field, optional_field, request_from_flat, request_from_json, required_field,
    response_from_json, string_value,
};
pub use error::{DecodeError, DecodeErrorKind};
pub use flatten::{FlatParams, Flatten, flatten_field};
pub use unflatten::{MAX_ARRAY_INDEX, MAX_KEY_DEPTH, MAX_QUOTED_KEY_CHARS, unflatten};
