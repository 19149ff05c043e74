#!/usr/bin/env bash
# Reproduces the compile-cost figures of the root crate `gaap` (all specs under specs/), and,
# with --peer, of the closest peer: the AWS SDK for Rust's Global Accelerator client.
#
# Both are measured the same way: dependencies built first, then only the crate itself is
# cleaned and rebuilt (dev profile, cargo's defaults), so the figure is the crate's own compile.
# For gaap, also the rebuild after touching one spec. Run on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# cargo's default dev profile (full debuginfo), not the workspace's lighter one, so that the
# figures compare with the peer's and with earlier measurements.
export CARGO_PROFILE_DEV_DEBUG=true

seconds() { /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -n 1; }

cargo build -p gaap --quiet
actions=$(ls specs/*.json | wc -l)

cargo clean -p gaap --quiet
clean=$(seconds cargo build -p gaap --quiet)
touch specs/CreateTCPListeners.json
touched=$(seconds cargo build -p gaap --quiet)

echo "gaap ($actions actions): clean ${clean} s ($(awk "BEGIN { printf \"%.3f\", $clean / $actions }") s per action), after touching one spec ${touched} s"

if [ "${1:-}" = "--peer" ]; then
    peer=$(mktemp -d)
    trap 'rm -rf "$peer"' EXIT
    cargo new --quiet --lib "$peer/peer"
    (
        cd "$peer/peer"
        cargo add --quiet aws-sdk-globalaccelerator
        cargo build --quiet
        cargo clean -p aws-sdk-globalaccelerator --quiet
        peer_clean=$(seconds cargo build --quiet)
        operations=56
        echo "aws-sdk-globalaccelerator ($operations operations): clean ${peer_clean} s ($(awk "BEGIN { printf \"%.3f\", $peer_clean / $operations }") s per operation)"
    )
fi
