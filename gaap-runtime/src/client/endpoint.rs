//! Where a request goes: the endpoint override and the client's region, each checked once
//! when the client is built and kept with its header value.

use std::sync::Arc;

use http::HeaderValue;
use url::Url;

use crate::error::ConfigError;

/// An endpoint override: where every action's requests go instead of its documented host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// `scheme://host[:port]/`.
    pub(crate) base: Url,
    /// The `Host` header the request carries and the signature covers: the host, with the port
    /// when it is not the scheme's default (as HTTP clients send it).
    pub(crate) host: String,
    /// `host` as a header value, made once rather than per request.
    pub(crate) host_header: HeaderValue,
}

impl Endpoint {
    /// Parses `host`, `host:port` or `scheme://host[:port][/]`; the scheme defaults to https.
    pub(crate) fn parse(text: &str) -> Result<Endpoint, ConfigError> {
        let invalid = |reason: &str| ConfigError::InvalidEndpoint {
            reason: reason.to_owned(),
        };
        let text = text.trim();
        if text.is_empty() {
            return Err(invalid("it is empty"));
        }
        let with_scheme;
        let text = if text.contains("://") {
            text
        } else {
            with_scheme = format!("https://{text}");
            &with_scheme
        };
        let url = Url::parse(text).map_err(|error| invalid(&error.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("it must not hold a user name or password"));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(
                "it must not have a path, query or fragment: every action is at `/`",
            ));
        }
        let Some(host) = url.host_str() else {
            return Err(invalid("it has no host"));
        };
        let host = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        // A parsed host is ASCII (IDNA-encoded), so this does not fail; stay total anyway.
        let host_header =
            HeaderValue::from_str(&host).map_err(|_| invalid("the host is not ASCII"))?;
        Ok(Endpoint {
            base: url,
            host,
            host_header,
        })
    }

    /// The documented endpoint of an action: `https://{host}/`.
    pub(crate) fn documented(host: &str) -> Result<Endpoint, ConfigError> {
        Endpoint::parse(host)
    }
}

/// The client's region, with its header value made once.
#[derive(Clone, Debug)]
pub(crate) struct RegionValue {
    pub(crate) name: Arc<str>,
    pub(crate) header: HeaderValue,
}

impl RegionValue {
    pub(crate) fn new(region: &str) -> Result<RegionValue, ConfigError> {
        check_region(region)?;
        Ok(RegionValue {
            name: region.into(),
            header: HeaderValue::from_str(region).map_err(|_| ConfigError::InvalidRegion {
                region: region.chars().take(64).collect(),
                reason: "not a valid header value",
            })?,
        })
    }
}

fn check_region(region: &str) -> Result<(), ConfigError> {
    let invalid = |reason| ConfigError::InvalidRegion {
        region: region.chars().take(64).collect(),
        reason,
    };
    if region.is_empty() {
        return Err(invalid("it is empty; leave the region unset instead"));
    }
    if !region
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(invalid(
            "a region name holds only ASCII letters, digits and dashes (\"ap-guangzhou\")",
        ));
    }
    Ok(())
}

/// Whether the URL's host is this machine: `localhost`, `127.0.0.0/8`, `[::1]`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_take_host_host_port_or_url() {
        let cases = [
            (
                "gaap.tencentcloudapi.com",
                "https://gaap.tencentcloudapi.com/",
                "gaap.tencentcloudapi.com",
            ),
            (
                "127.0.0.1:8080",
                "https://127.0.0.1:8080/",
                "127.0.0.1:8080",
            ),
            (
                "http://127.0.0.1:8080",
                "http://127.0.0.1:8080/",
                "127.0.0.1:8080",
            ),
            ("http://localhost:80/", "http://localhost/", "localhost"),
            ("https://h.example:443", "https://h.example/", "h.example"),
            ("http://[::1]:9000", "http://[::1]:9000/", "[::1]:9000"),
            (" HTTPS://H.Example ", "https://h.example/", "h.example"),
        ];
        for (text, base, host) in cases {
            let endpoint = Endpoint::parse(text).unwrap();
            assert_eq!(
                (endpoint.base.as_str(), endpoint.host.as_str()),
                (base, host),
                "{text}"
            );
        }
    }

    #[test]
    fn bad_endpoints_are_refused_with_a_reason() {
        for text in [
            "",
            "ftp://h",
            "http://user:pw@h",
            "http://h/path",
            "http://h/?q",
            "http://h:99999",
            "http://",
        ] {
            let error = Endpoint::parse(text).unwrap_err();
            assert!(
                matches!(error, ConfigError::InvalidEndpoint { .. }),
                "{text}"
            );
            assert!(!error.to_string().contains("pw"), "{error}");
        }
    }

    #[test]
    fn regions_are_checked() {
        assert!(check_region("ap-guangzhou").is_ok());
        assert!(check_region("").is_err());
        assert!(check_region("ap guangzhou").is_err());
        assert!(check_region("ap-广州").is_err());
    }
}
