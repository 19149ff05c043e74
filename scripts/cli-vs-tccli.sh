#!/usr/bin/env bash
# Times the `gaap` command (release build) beside tccli, Tencent Cloud's Python CLI, installed
# from PyPI into a temporary virtualenv: start-up, a skeleton, the seed request (CreateTCPListeners
# documentation, example 1), and a call to a closed local port. tccli has no dry run; the nearest
# equivalents are its start-up (--version), --generate-cli-skeleton, and a call that fails at
# once on a closed port. Nothing leaves the machine.
#
#   scripts/cli-vs-tccli.sh            # 30 runs per command
#   RUNS=100 scripts/cli-vs-tccli.sh
#   TCCLI_VERSION=3.1.189.1 scripts/cli-vs-tccli.sh
#
# Uses hyperfine when installed (Debian: apt-get install hyperfine), else a loop timed with
# `date +%s%N`. Run on an otherwise idle machine; the load average is printed first.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-30}
cargo build --release -p gaap-cli --quiet
gaap=$PWD/target/release/gaap

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "tccli${TCCLI_VERSION:+==$TCCLI_VERSION}"
tccli=$work/venv/bin/tccli

# Both tools read their settings and credentials from a home of their own: tccli needs a region
# and an output format configured, and both sign with the documentation's example key pair.
export HOME=$work/home
mkdir -p "$HOME/.tccli"
cat > "$HOME/.tccli/default.configure" <<'EOF'
{"_sys_param": {"region": "ap-guangzhou", "output": "json"},
 "gaap": {"endpoint": "gaap.tencentcloudapi.com", "version": "2018-05-29"}}
EOF
export TENCENTCLOUD_SECRET_ID=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE
export TENCENTCLOUD_SECRET_KEY=Gu5t9xGARNpq86cd98joQYCN3EXAMPLE
unset TENCENTCLOUD_TOKEN TENCENTCLOUD_SESSION_TOKEN TCCLI_PROFILE HTTPS_PROXY https_proxy HTTP_PROXY http_proxy

closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
seed="CreateTCPListeners --ProxyId link-bjkpdum1 --ListenerName test1 --RealServerType IP --Scheduler rr --DelayLoop 20 --ConnectTimeout 20 --HealthCheck 1 --Ports [90]"
# The seed breaks its own documented rule (ConnectTimeout must be less than DelayLoop): gaap
# refuses it unless told not to; the variant with ConnectTimeout 10 passes every check.
valid=${seed/--ConnectTimeout 20/--ConnectTimeout 10}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo "gaap: $("$gaap" --version); tccli: $("$tccli" --version 2>&1 | tail -n 1); $(python3 --version)"
echo "closed port: 127.0.0.1:$closed"
echo

# Each command's outcome once, so that the timings below are of what they claim to be.
check() {
    local expected=$1
    shift
    set +e
    "$@" > "$work/out" 2>&1
    local got=$?
    set -e
    printf '%-4s exit %3d (expected %s)  %s\n' "$([ "$got" = "$expected" ] && echo ok || echo FAIL)" "$got" "$expected" "$*"
    [ "$got" = "$expected" ] || { cat "$work/out"; exit 1; }
}
# shellcheck disable=SC2086 # the command lines are split on purpose
{
    check 0 "$gaap" --version
    check 0 "$gaap" CreateTCPListeners --generate-cli-skeleton
    check 0 "$gaap" --dry-run --no-validate $seed
    check 0 "$gaap" --dry-run $valid
    check 5 "$gaap" --max-attempts 1 --endpoint "http://127.0.0.1:$closed" $valid
    check 0 "$tccli" --version
    check 0 "$tccli" gaap CreateTCPListeners --generate-cli-skeleton
    check 255 "$tccli" gaap $seed --endpoint "127.0.0.1:$closed"
}
echo

commands=(
    "gaap --version" "$gaap --version"
    "gaap skeleton" "$gaap CreateTCPListeners --generate-cli-skeleton"
    "gaap --dry-run seed (--no-validate)" "$gaap --dry-run --no-validate $seed"
    "gaap --dry-run seed (validated)" "$gaap --dry-run $valid"
    "gaap call, closed port" "$gaap --max-attempts 1 --endpoint http://127.0.0.1:$closed $valid"
    "tccli --version" "$tccli --version"
    "tccli skeleton" "$tccli gaap CreateTCPListeners --generate-cli-skeleton"
    "tccli call seed, closed port" "$tccli gaap $seed --endpoint 127.0.0.1:$closed"
)

if command -v hyperfine > /dev/null; then
    args=()
    for ((i = 0; i < ${#commands[@]}; i += 2)); do
        args+=(-n "${commands[i]}" "${commands[i + 1]}")
    done
    hyperfine -N --warmup 3 --runs "$runs" --ignore-failure --style basic \
        --export-markdown "$work/results.md" "${args[@]}" > "$work/hyperfine.log"
    cat "$work/results.md"
else
    printf '| %-36s | %10s | %10s |\n' command "mean (ms)" "min (ms)"
    for ((i = 0; i < ${#commands[@]}; i += 2)); do
        total=0
        min=
        for ((run = 0; run < runs; run++)); do
            start=$(date +%s%N)
            # shellcheck disable=SC2086
            ${commands[i + 1]} > /dev/null 2>&1 || true
            took=$(($(date +%s%N) - start))
            total=$((total + took))
            if [ -z "$min" ] || [ "$took" -lt "$min" ]; then min=$took; fi
        done
        printf '| %-36s | %10.1f | %10.1f |\n' "${commands[i]}" \
            "$(awk "BEGIN { print $total / $runs / 1e6 }")" "$(awk "BEGIN { print $min / 1e6 }")"
    done
fi
