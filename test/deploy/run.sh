#!/usr/bin/env bash
# Deployment validation suite (part of `make test`). No Docker engine needed.
#
#   test/deploy/run.sh
#
#  1. shell scripts: bash -n, and shellcheck when installed
#  2. static checks (checks.py): docker-compose.yml parsed with PyYAML and
#     checked service by service, .env.example, Dockerfile, .dockerignore,
#     nginx rules (no stickiness, no POST retry, TLS, resolver, log format)
#  3. nginx -t on nginx/production.conf itself (self-signed certificate made on
#     the fly; only certificate/webroot paths substituted, see prod-conf.sh)
#  4. nginx -t on the loopback config rendered by nginx/render-test-conf.sh
#  5. live loopback (live.py): real nginx + two stand-in nodes: round robin,
#     WebSocket upgrade, headers, GET retried / POST not, limits, cache, CSP, logs
#  6. live production (live.py): production.conf served by real nginx with a
#     stand-in for Docker's DNS: HTTPS, redirect, ACME, HSTS, replicas by DNS,
#     scale-up without reload, dead replica skipped
#  7. Helm chart (helmcheck/, a separate Go module): deploy/helm/chatdesk
#     rendered by Helm's engine for the default values and each
#     ci/*-values.yaml, strict decoding into the Kubernetes API types, helm
#     lint, and chatdesk's invariants (probes, preStop/drain budget, no
#     affinity, no latest, requests, secrets, every CHATDESK_* variable).
#     Needs only Go; the first run on a clean machine downloads and compiles
#     Helm's engine and the Kubernetes API types (about 2.5 minutes on 2 cores)
#
# Prints "ok - ..." / "not ok - ..." lines and ends with "N passed, M failed"
# (", K skipped" when a tool is missing). Exits non-zero on any failure.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$root" || exit 1
work="$(mktemp -d "${TMPDIR:-/tmp}/chatdesk-deploy.XXXXXX")"
chmod 755 "$work"   # nginx workers (unprivileged) must enter it
trap 'rm -rf "$work"' EXIT

pass=0
fail=0
skip=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() {
    echo "not ok - $1"
    fail=$((fail + 1))
    if [[ -n "${2-}" && -s "$2" ]]; then
        tail -n 25 "$2" | sed 's/^/    /'
    fi
}
skipped() { echo "skip - $1"; skip=$((skip + 1)); }

# run_check NAME COMMAND...: one check from a command's exit status.
run_check() {
    local name="$1"
    shift
    if "$@" >"$work/out.log" 2>&1; then
        ok "$name"
    else
        not_ok "$name" "$work/out.log"
    fi
}

# collect NAME COMMAND...: a command printing ok/not ok lines; each counts.
collect() {
    local name="$1" line status n=0
    shift
    "$@" >"$work/collect.log" 2>&1
    status=$?
    while IFS= read -r line; do
        case "$line" in
            "ok - "*) echo "$line"; pass=$((pass + 1)); n=$((n + 1)) ;;
            "not ok - "*) echo "$line"; fail=$((fail + 1)); n=$((n + 1)) ;;
            "# "*) ;;
            *) echo "    $line" ;;
        esac
    done <"$work/collect.log"
    if [[ "$status" != 0 || "$n" == 0 ]]; then
        not_ok "$name exited with status $status after $n check(s)"
    fi
}

as_root() { [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; }
apt_install() {
    # RUNLEVEL=1: packages such as nginx must not start a system service here.
    as_root && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

# ------------------------------------------------------------------ tools
nginx_bin="$(command -v nginx || true)"
[[ -z "$nginx_bin" && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
if [[ -z "$nginx_bin" ]] && apt_install nginx; then
    nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
fi
command -v openssl >/dev/null 2>&1 || apt_install openssl || true

py_yaml=""
for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import yaml' >/dev/null 2>&1; then
        py_yaml="$py"
        break
    fi
done
if [[ -z "$py_yaml" ]] && apt_install python3-yaml; then
    py_yaml=/usr/bin/python3
fi

run_check "tools: nginx, openssl, python3 with PyYAML available" \
    bash -c "[[ -x '$nginx_bin' ]] && command -v openssl && [[ -n '$py_yaml' ]]"

# ------------------------------------------------------------------ 1. shell
scripts=(deploy/*.sh nginx/render-test-conf.sh test/deploy/*.sh)
# shellcheck disable=SC2016 # "$f" expands in the inner bash
run_check "shell: bash -n on every script" bash -c 'for f; do bash -n "$f" || exit 1; done' _ "${scripts[@]}"
if command -v shellcheck >/dev/null 2>&1 || apt_install shellcheck; then
    run_check "shell: shellcheck clean" shellcheck -x "${scripts[@]}"
else
    skipped "shell: shellcheck not installed"
fi

# ------------------------------------------------------------------ 2. static
if [[ -n "$py_yaml" ]]; then
    collect "static checks" "$py_yaml" test/deploy/checks.py "$root"
else
    not_ok "static checks: no python3 with PyYAML (apt-get install python3-yaml)"
fi

# ------------------------------------------------------------------ 3-4. nginx -t
# nginx_t DIR CONF [-g DIRECTIVES]
nginx_t() {
    local dir="$1" conf="$2"
    shift 2
    "$nginx_bin" -t -p "$dir" -e "$dir/error.log" -c "$conf" "$@" >"$dir/t.log" 2>&1
    local status=$?
    cat "$dir/t.log"
    [[ "$status" == 0 ]] && grep -q "test is successful" "$dir/t.log"
}
no_warnings() { ! grep -E '\[(warn|emerg|alert|crit)\]' "$1"; }

if test/deploy/prod-conf.sh "$work/prod-t" check >"$work/out.log" 2>&1; then
    run_check "nginx -t: nginx/production.conf (self-signed test certificate)" \
        nginx_t "$work/prod-t" "$work/prod-t/production.conf" -g "pid $work/prod-t/nginx.pid;"
    run_check "nginx -t: production.conf has no warnings" no_warnings "$work/prod-t/t.log"
else
    not_ok "nginx -t: preparing production.conf" "$work/out.log"
fi
if nginx/render-test-conf.sh --dir "$work/render-t" --listen 127.0.0.1:18080 \
    --backend 127.0.0.1:18081 --backend 127.0.0.1:18082 --backend 127.0.0.1:18083 >"$work/out.log" 2>&1; then
    run_check "nginx -t: loopback config from render-test-conf.sh (3 nodes)" nginx_t "$work/render-t" "$work/render-t/nginx.conf"
    run_check "nginx -t: loopback config has no warnings" no_warnings "$work/render-t/t.log"
else
    not_ok "nginx -t: rendering the loopback config" "$work/out.log"
fi

# ------------------------------------------------------------------ 5-6. live
collect "live loopback" python3 test/deploy/live.py loopback "$root" "$work/live-loopback"
collect "live production" python3 test/deploy/live.py production "$root" "$work/live-production"

# ------------------------------------------------------------------ 7. helm
go_bin="$(command -v go || true)"
[[ -z "$go_bin" && -x /usr/local/go/bin/go ]] && go_bin=/usr/local/go/bin/go
if [[ -n "$go_bin" ]]; then
    # shellcheck disable=SC2016 # $1 expands in the inner bash
    collect "helm chart" bash -c 'cd test/deploy/helmcheck && "$1" run . -chart ../../../deploy/helm/chatdesk -config ../../../internal/config/config.go' _ "$go_bin"
else
    not_ok "helm chart: no go toolchain to run test/deploy/helmcheck"
fi

# ------------------------------------------------------------------ summary
if [[ "$skip" -gt 0 ]]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[[ "$fail" == 0 ]]
