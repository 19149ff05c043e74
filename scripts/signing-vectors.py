#!/usr/bin/env python3
"""TC3-HMAC-SHA256 vectors for signatures that cover more than `content-type;host`.

The official SDKs sign `content-type;host` only, so their requests (the vectors of
`gaap-runtime/tests/data/signing-vectors.json`) cannot check the form this SDK signs by default,
`content-type;host;x-tc-action` (plus `x-tc-region` when a region is sent). This script computes
such vectors independently of the Rust code, with Python's standard `hashlib` and `hmac` only,
following the Tencent Cloud API 3.0 documentation ("签名方法 v3"):

- CanonicalHeaders: every signed header as `name:value\n`, names and values lower-cased and
  trimmed, sorted by name; SignedHeaders: the names, sorted, joined by `;`.
- CanonicalRequest: method, URI, query, CanonicalHeaders, SignedHeaders, hex SHA-256 of the
  payload, joined by newlines.
- StringToSign: `TC3-HMAC-SHA256`, the timestamp, `{date}/{service}/tc3_request` (date: UTC of
  the timestamp), hex SHA-256 of CanonicalRequest, joined by newlines.
- The key: HMAC-SHA256 chain `"TC3" + SecretKey` -> date -> service -> `tc3_request`; the
  signature: hex HMAC-SHA256 of StringToSign with it.

Run from the repository root; it rewrites the output file, which is committed:

    python3 scripts/signing-vectors.py > gaap-runtime/tests/data/signing-vectors-with-action.json
"""

import datetime
import hashlib
import hmac
import json

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
TIMESTAMP = 1551113065

# The bodies and query of the official-SDK vectors (same parameters), so that the two files can
# be compared request for request.
SEED_BODY = (
    '{"ProxyId": "link-bjkpdum1", "ListenerName": "test1", "RealServerType": "IP", '
    '"Scheduler": "rr", "DelayLoop": 20, "ConnectTimeout": 20, "HealthCheck": 1, "Ports": [90]}'
)
SEED_QUERY = (
    "ProxyId=link-bjkpdum1&ListenerName=test1&RealServerType=IP&Scheduler=rr&DelayLoop=20"
    "&ConnectTimeout=20&HealthCheck=1&Ports.0=90&Ports.1=91"
)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hmac_sha256(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def sign(name, source, method, host, service, content_type, body, query, signed, timestamp=TIMESTAMP):
    """One vector. `signed`: the headers signed besides content-type and host, as sent."""
    headers = {"content-type": content_type, "host": host}
    for header, value in signed.items():
        headers[header.lower()] = value
    names = sorted(headers)
    canonical_headers = "".join(f"{n}:{headers[n].strip().lower()}\n" for n in names)
    signed_headers = ";".join(names)
    hashed_payload = sha256_hex(body.encode("utf-8"))
    canonical_request = "\n".join(
        [method, "/", query, canonical_headers, signed_headers, hashed_payload]
    )
    date = datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join(
        ["TC3-HMAC-SHA256", str(timestamp), scope, sha256_hex(canonical_request.encode("utf-8"))]
    )
    key = hmac_sha256(("TC3" + SECRET_KEY).encode("utf-8"), date)
    key = hmac_sha256(key, service)
    key = hmac_sha256(key, "tc3_request")
    signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    authorization = (
        f"TC3-HMAC-SHA256 Credential={SECRET_ID}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )
    return {
        "name": name,
        "source": source,
        "method": method,
        "host": host,
        "service": service,
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "timestamp": timestamp,
        "content_type": content_type,
        "body": body,
        "query": query,
        "signed_headers": signed,
        "hashed_payload": hashed_payload,
        "canonical_request": canonical_request,
        "string_to_sign": string_to_sign,
        "signature": signature,
        "authorization": authorization,
    }


SOURCE = "scripts/signing-vectors.py (Python hashlib/hmac, independent of the Rust code)"

VECTORS = [
    sign(
        "tc3-action-documentation-example",
        SOURCE + "; the inputs of the documentation's worked example, which signs x-tc-action",
        "POST",
        "cvm.tencentcloudapi.com",
        "cvm",
        "application/json; charset=utf-8",
        '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
        "",
        {"x-tc-action": "DescribeInstances"},
    ),
    sign(
        "tc3-action-post-json-seed-example",
        SOURCE + "; the seed's CreateTCPListeners, body as the official SDK sent it",
        "POST",
        "gaap.tencentcloudapi.com",
        "gaap",
        "application/json",
        SEED_BODY,
        "",
        {"x-tc-action": "CreateTCPListeners"},
    ),
    sign(
        "tc3-action-get-flattened-seed-example",
        SOURCE + "; the seed's CreateTCPListeners over GET, query as the official SDK sent it",
        "GET",
        "gaap.tencentcloudapi.com",
        "gaap",
        "application/x-www-form-urlencoded",
        "",
        SEED_QUERY,
        {"x-tc-action": "CreateTCPListeners"},
    ),
    sign(
        "tc3-action-region-post-json",
        SOURCE + "; an action that takes a region (no GAAP action does: the test-only "
        "DescribeWidgets of tests/specs), so x-tc-region is signed too",
        "POST",
        "test.tencentcloudapi.com",
        "test",
        "application/json",
        '{"Limit":10}',
        "",
        {"x-tc-action": "DescribeWidgets", "x-tc-region": "ap-guangzhou"},
    ),
    sign(
        "tc3-action-values-trimmed-and-lowercased",
        SOURCE + "; header values with capitals and surrounding blanks, as a proxy may pass them",
        "POST",
        "GAAP.TencentCloudAPI.com",
        "gaap",
        " Application/JSON ",
        "{}",
        "",
        {"X-TC-Action": "  DescribeProxies\t", "X-TC-Region": "AP-Guangzhou"},
    ),
    sign(
        "tc3-action-utc-midnight-date",
        SOURCE + "; the last second of a UTC day: the scope's date is that day",
        "POST",
        "gaap.tencentcloudapi.com",
        "gaap",
        "application/json",
        "{}",
        "",
        {"x-tc-action": "DescribeProxies"},
        timestamp=1700006399,
    ),
]

NOTE = (
    "TC3-HMAC-SHA256 vectors whose signature covers x-tc-action (and x-tc-region), the form the "
    "SDK signs by default. Computed by scripts/signing-vectors.py with Python's hashlib and hmac, "
    "following the documented algorithm (signed header names and values lower-cased and "
    "trimmed, names sorted); the official SDKs sign content-type;host only, so no official "
    "request exists in this form. Regenerate with the script; do not edit by hand."
)

if __name__ == "__main__":
    print(json.dumps({"note": NOTE, "vectors": VECTORS}, indent=2, ensure_ascii=False))
