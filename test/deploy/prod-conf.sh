#!/usr/bin/env bash
# Copy nginx/production.conf into WORKDIR with the few environment-specific
# values replaced, so that the production file itself can be tested outside
# Docker:
#   prod-conf.sh WORKDIR check                    # for nginx -t
#   prod-conf.sh WORKDIR live HTTP HTTPS DNS NODE # for the live test
# check: /etc/letsencrypt -> WORKDIR/letsencrypt, /var/www/certbot -> WORKDIR/certbot
# live:  also listen 80/443 -> 127.0.0.1:HTTP/HTTPS, resolver 127.0.0.11 ->
#        127.0.0.1:DNS, node port 8080 -> NODE.
# Each replaced text must occur exactly as expected, and nothing else changes
# (the number of changed lines is checked), so the test cannot drift from the
# real file. The shared include files are symlinked, not copied. A self-signed
# certificate is generated if WORKDIR has none.
set -euo pipefail

work="${1:?usage: prod-conf.sh WORKDIR check|live ...}"
mode="${2:?usage: prod-conf.sh WORKDIR check|live ...}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
src="$root/nginx/production.conf"
out="$work/production.conf"
mkdir -p "$work"

# replace FROM TO EXPECTED_COUNT: literal replacement in $text.
text="$(cat "$src")"
replace() {
    local from="$1" to="$2" want="$3" n
    n="$(grep -cF -- "$from" <<<"$text" || true)"
    if [[ "$n" != "$want" ]]; then
        echo "prod-conf.sh: expected $want line(s) with '$from' in production.conf, found $n" >&2
        exit 1
    fi
    text="${text//"$from"/"$to"}"
}

replace "/etc/letsencrypt/" "$work/letsencrypt/" 4
replace "root /var/www/certbot;" "root $work/certbot;" 1
changed=5   # 2 certificate lines, 2 comments, the webroot
if [[ "$mode" == "live" ]]; then
    http="${3:?}" https="${4:?}" dns="${5:?}" node="${6:?}"
    replace "listen 80 default_server;" "listen 127.0.0.1:$http default_server;" 1
    replace "listen 443 ssl http2 default_server backlog=8192;" "listen 127.0.0.1:$https ssl http2 default_server backlog=8192;" 1
    replace "resolver 127.0.0.11 valid=10s" "resolver 127.0.0.1:$dns valid=10s" 1
    replace "set \$chatdesk_upstream chatdesk:8080;" "set \$chatdesk_upstream chatdesk:$node;" 1
    changed=$((changed + 4))
elif [[ "$mode" != "check" ]]; then
    echo "prod-conf.sh: mode must be check or live" >&2
    exit 2
fi
printf '%s\n' "$text" >"$out"

n="$(diff "$src" "$out" | grep -c '^>' || true)"
if [[ "$n" != "$changed" ]]; then
    echo "prod-conf.sh: $n lines differ from production.conf, expected $changed" >&2
    exit 1
fi

for f in chatdesk-http.conf chatdesk-proxy.conf chatdesk-headers.conf; do
    ln -sfn "$root/nginx/$f" "$work/$f"
done

live="$work/letsencrypt/live/chatdesk"
if [[ ! -s "$live/fullchain.pem" ]]; then
    mkdir -p "$live"
    openssl req -x509 -nodes -newkey rsa:2048 -days 2 -subj /CN=chat.test \
        -keyout "$live/privkey.pem" -out "$live/fullchain.pem" >/dev/null 2>&1
fi
mkdir -p "$work/certbot"
