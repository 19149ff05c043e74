#!/usr/bin/env python3
"""Replays the first official example of every GAAP action against a running emulator, with the
official Python SDK, and checks each answer against its expected outcome.

    pip install tencentcloud-sdk-python-gaap          # once, in a virtualenv of your choice
    cargo run -p gaap-emulator -- --listen 127.0.0.1:9000 --throttle off --transition-time 0 &
    python3 scripts/replay-examples.py http://127.0.0.1:9000

Each request is the `input` body of the action's first example in
reference/gaap-2018-05-29.examples.json, sent through the SDK's typed client
(`GaapClient.<Action>(models.<Action>Request)`), signed with TC3-HMAC-SHA256 and the
documentation's example key pair, which the emulator accepts out of the box.

The expected outcome of each example is in gaap-emulator/tests/example-outcomes.json (the table
the Rust test `examples` checks every example against): `success`, or the one code expected,
with the reason. An answer is right when it is exactly that; any other success or code (an
`InternalError`, a code the table does not expect) is wrong. The emulator must be fresh (the
built-in account, as started above): the examples do not depend on each other, and none of the
first ones changes what a later one finds. The script prints one line per action and a summary;
it exits 1 when an answer is not the expected one, 2 when it cannot run. It installs nothing.
"""

import json
import os
import sys
import urllib.parse

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"


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
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    with open(os.path.join(root, "reference", "gaap-2018-05-29.examples.json"), encoding="utf-8") as f:
        examples = json.load(f)["actions"]
    with open(os.path.join(root, "gaap-emulator", "tests", "example-outcomes.json"), encoding="utf-8") as f:
        expected = json.load(f)
    expected.pop("_doc", None)

    http = HttpProfile(protocol=endpoint.scheme or "http", endpoint=endpoint.netloc, reqTimeout=10)
    client = gaap_client.GaapClient(
        credential.Credential(SECRET_ID, SECRET_KEY), "", ClientProfile(httpProfile=http)
    )
    counts = {"success": 0, "expected code": 0, "wrong": 0}
    for action in sorted(expected):
        want = expected[action][0]
        want_code = want.get("code")
        body = json.loads(examples[action][0]["input"].split("\n\n", 1)[1])
        request = getattr(models, action + "Request")()
        request.from_json_string(json.dumps(body))
        try:
            getattr(client, action)(request)
            got, detail = None, ""
        except TencentCloudSDKException as error:
            got = error.get_code() or "?"
            detail = f"{got}: {error.get_message()}"
        if got == want_code:
            outcome = "success" if got is None else "expected code"
        else:
            outcome = "wrong"
            detail = f"expected {want_code or 'success'}, got {detail or 'success'}"
        counts[outcome] += 1
        print(f"{action:40} {outcome:13} {detail}"[:200])
    print(
        f"\n{counts['success'] + counts['expected code']} of {len(expected)} as expected "
        f"({counts['success']} success, {counts['expected code']} the expected code); "
        f"{counts['wrong']} wrong"
    )
    return 0 if counts["wrong"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
