#!/usr/bin/env python3
"""Replays the first official example of every GAAP action against a running emulator, with the
official Python SDK, and counts the answers.

    pip install tencentcloud-sdk-python-gaap          # once, in a virtualenv of your choice
    cargo run -p gaap-emulator -- --listen 127.0.0.1:9000 --throttle off &
    python3 scripts/replay-examples.py http://127.0.0.1:9000

Each request is the `input` body of the action's first example in
reference/gaap-2018-05-29.examples.json, sent through the SDK's typed client
(`GaapClient.<Action>(models.<Action>Request)`), signed with TC3-HMAC-SHA256 and the
documentation's example key pair, which the emulator accepts out of the box.

An answer counts as carried out when it is a success, or an error whose code is documented for
the action: its own codes (reference/gaap-2018-05-29.error-codes.json) or a common code of
Tencent Cloud API 3.0 -- except `UnsupportedOperation` from the emulator, which means "not
emulated". The script prints one line per action and a summary; it exits 1 when an action is
not carried out, 2 when it cannot run. It installs nothing.
"""

import json
import os
import sys
import urllib.parse

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"

COMMON_CODES = {
    "ActionOffline", "AuthFailure.InvalidAuthorization", "AuthFailure.InvalidSecretId",
    "AuthFailure.MFAFailure", "AuthFailure.SecretIdNotFound", "AuthFailure.SignatureExpire",
    "AuthFailure.SignatureFailure", "AuthFailure.TokenFailure", "AuthFailure.UnauthorizedOperation",
    "DryRunOperation", "FailedOperation", "InternalError", "InvalidAction", "InvalidParameter",
    "InvalidParameterValue", "InvalidRequest", "IpInBlacklist", "IpNotInWhitelist",
    "LimitExceeded", "MissingParameter", "NoSuchProduct", "NoSuchVersion",
    "RequestLimitExceeded", "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
    "RequestLimitExceeded.IPLimitExceeded", "RequestLimitExceeded.UinLimitExceeded",
    "RequestSizeLimitExceeded", "ResourceInUse", "ResourceInsufficient", "ResourceNotFound",
    "ResourceUnavailable", "ResponseSizeLimitExceeded", "ServiceUnavailable",
    "UnauthorizedOperation", "UnknownParameter", "UnsupportedOperation", "UnsupportedProtocol",
    "UnsupportedRegion",
}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        from tencentcloud.common import credential
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.gaap.v20180529 import gaap_client, models
    except ImportError:
        print("the official SDK is missing: pip install tencentcloud-sdk-python-gaap", file=sys.stderr)
        return 2

    endpoint = urllib.parse.urlsplit(argv[1])
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference")
    with open(os.path.join(root, "gaap-2018-05-29.examples.json"), encoding="utf-8") as f:
        examples = json.load(f)["actions"]
    with open(os.path.join(root, "gaap-2018-05-29.error-codes.json"), encoding="utf-8") as f:
        codes = json.load(f)["actions"]

    http = HttpProfile(protocol=endpoint.scheme or "http", endpoint=endpoint.netloc, reqTimeout=10)
    client = gaap_client.GaapClient(
        credential.Credential(SECRET_ID, SECRET_KEY), "", ClientProfile(httpProfile=http)
    )
    outcomes = {"success": 0, "documented": 0, "not emulated": 0, "undocumented": 0}
    for action in sorted(codes):
        example = examples[action][0]
        body = json.loads(example["input"].split("\n\n", 1)[1])
        request = getattr(models, action + "Request")()
        request.from_json_string(json.dumps(body))
        try:
            getattr(client, action)(request)
            outcome, detail = "success", ""
        except TencentCloudSDKException as error:
            code = error.get_code() or ""
            detail = f"{code}: {error.get_message()}"
            if code == "UnsupportedOperation" and "emulator" in (error.get_message() or ""):
                outcome = "not emulated"
            elif code in COMMON_CODES or code in codes[action]:
                outcome = "documented"
            else:
                outcome = "undocumented"
        outcomes[outcome] += 1
        print(f"{action:40} {outcome:13} {detail}"[:200])
    carried_out = outcomes["success"] + outcomes["documented"]
    print(
        f"\n{carried_out} of {len(codes)} carried out "
        f"({outcomes['success']} success, {outcomes['documented']} documented error); "
        f"{outcomes['not emulated']} not emulated, {outcomes['undocumented']} undocumented code"
    )
    return 0 if carried_out == len(codes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
