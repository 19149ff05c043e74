//! The one table of Tencent Cloud API 3.0's common parameters: their names as legacy
//! parameters and the `X-TC-*` headers that carry them in TC3 requests. The client signs and
//! reserves from it, the emulator reads requests with it.

/// A common parameter of Tencent Cloud API 3.0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommonParameter {
    /// Its name as a parameter of a legacy request (`Action`).
    pub name: &'static str,
    /// The header that carries it in a TC3 request (`X-TC-Action`); `None` where TC3 has no
    /// header for it (the key id and the signature travel in `Authorization`; TC3 has no nonce
    /// and names its method in `Authorization`).
    pub tc3_header: Option<&'static str>,
}

const fn param(name: &'static str, tc3_header: Option<&'static str>) -> CommonParameter {
    CommonParameter { name, tc3_header }
}

/// Every common parameter, `Signature` included: never parameters of an action.
pub const COMMON_PARAMETERS: &[CommonParameter] = &[
    param("Action", Some("X-TC-Action")),
    param("Version", Some("X-TC-Version")),
    param("Timestamp", Some("X-TC-Timestamp")),
    param("Nonce", None),
    param("SecretId", None),
    param("Region", Some("X-TC-Region")),
    param("SignatureMethod", None),
    param("Signature", None),
    param("Token", Some("X-TC-Token")),
    param("Language", Some("X-TC-Language")),
    param("RequestClient", Some("X-TC-RequestClient")),
];

/// The common parameters of the legacy methods, `Signature` included: the names of
/// [`COMMON_PARAMETERS`]. All but `Token` are no secret.
pub const LEGACY_COMMON_PARAMETERS: &[&str] = &names();

const fn names() -> [&'static str; COMMON_PARAMETERS.len()] {
    let mut out = [""; COMMON_PARAMETERS.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = COMMON_PARAMETERS[i].name;
        i += 1;
    }
    out
}

/// The `X-TC-*` header of the common parameter `name` (`Region` → `X-TC-Region`), if TC3 has one.
pub fn tc3_header(name: &str) -> Option<&'static str> {
    COMMON_PARAMETERS
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.tc3_header)
}

/// Whether `name` (any case) is the TC3 header of a common parameter.
pub fn is_tc3_common_header(name: &str) -> bool {
    COMMON_PARAMETERS
        .iter()
        .filter_map(|p| p.tc3_header)
        .any(|header| header.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legacy_names_are_the_table_in_order() {
        assert_eq!(LEGACY_COMMON_PARAMETERS.len(), COMMON_PARAMETERS.len());
        assert_eq!(LEGACY_COMMON_PARAMETERS[0], "Action");
        assert_eq!(LEGACY_COMMON_PARAMETERS[10], "RequestClient");
    }

    #[test]
    fn tc3_headers_are_found_by_parameter_and_in_any_case() {
        assert_eq!(tc3_header("Region"), Some("X-TC-Region"));
        assert_eq!(tc3_header("Nonce"), None);
        assert!(is_tc3_common_header("x-tc-requestclient"));
        assert!(!is_tc3_common_header("x-tc-traceid"));
    }
}
