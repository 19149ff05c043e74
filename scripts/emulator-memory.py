#!/usr/bin/env python3
"""Resident memory of the emulator binary holding N TCP listeners (Linux: /proc/PID/status).

    pip install tencentcloud-sdk-python-gaap          # once, in a virtualenv of your choice
    cargo build --release -p gaap-emulator
    python3 scripts/emulator-memory.py target/release/gaap-emulator 10000

Starts the binary on a free port of 127.0.0.1 with one proxy allowed N listeners, throttling
off and transitions at once; creates the listeners with the official Python SDK, 1000 ports a
request; reads VmRSS before and after, and checks that DescribeTCPListeners counts them. Stops
the binary it started (by its own pid). Installs nothing.
"""

import json
import os
import subprocess
import sys
import tempfile

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
PROXY = "link-memory01"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, count = argv[1], int(argv[2])
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.gaap.v20180529 import gaap_client, models

    config = {
        "proxies": [{"id": PROXY, "listener_quota": count}],
        "throttling": "off",
        "transition_seconds": 0,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(config, f)
        config_path = f.name
    emulator = subprocess.Popen(
        [binary, "--config", config_path, "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        endpoint = emulator.stdout.readline().strip()
        http = HttpProfile(protocol="http", endpoint=endpoint.removeprefix("http://"), reqTimeout=120)
        client = gaap_client.GaapClient(
            credential.Credential(SECRET_ID, SECRET_KEY), "", ClientProfile(httpProfile=http)
        )
        # One request first, so that the runtime's and the allocator's warm-up is in "before".
        describe = models.DescribeTCPListenersRequest()
        describe.from_json_string(json.dumps({"ProxyId": PROXY}))
        client.DescribeTCPListeners(describe)
        before = rss_kib(emulator.pid)
        for start in range(1, count + 1, 1000):
            ports = list(range(start, min(start + 1000, count + 1)))
            request = models.CreateTCPListenersRequest()
            request.from_json_string(json.dumps({
                "ProxyId": PROXY, "ListenerName": "memory", "Ports": ports, "Scheduler": "rr",
                "HealthCheck": 1, "RealServerType": "IP", "DelayLoop": 5, "ConnectTimeout": 2,
            }))
            client.CreateTCPListeners(request)
        described = client.DescribeTCPListeners(describe)
        after = rss_kib(emulator.pid)
        assert described.TotalCount == count, described.TotalCount
        print(f"{count} listeners: VmRSS {before} KiB before, {after} KiB after, "
              f"{(after - before) * 1024 / count:.0f} bytes a listener")
    finally:
        emulator.terminate()
        emulator.wait()
        os.unlink(config_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
