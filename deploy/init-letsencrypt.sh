#!/usr/bin/env bash
# First Let's Encrypt certificate for chatdesk (HTTP-01, webroot).
#
#   ./deploy/init-letsencrypt.sh            # real certificate
#   ./deploy/init-letsencrypt.sh --staging  # test against the staging CA first
#   ./deploy/init-letsencrypt.sh --force    # request again even if one exists
#
# The bootstrap problem: nginx refuses to start its 443 server without a
# certificate, and Let's Encrypt needs nginx (port 80) to answer the challenge.
# So: 1) put a 1-day self-signed placeholder in /etc/letsencrypt/live/chatdesk,
# 2) start the stack, 3) move the placeholder aside and ask certbot for the real
# certificate (--cert-name chatdesk: same path, so nginx needs no edit),
# 4) reload nginx. If certbot fails the placeholder is put back, so nginx can
# still restart. Renewal afterwards is automatic (certbot service, every 12 h).
#
# Reads CHATDESK_DOMAIN (comma-separated for several names) and
# CHATDESK_LETSENCRYPT_EMAIL from .env.
set -euo pipefail
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

staging=0
force=0
for arg in "$@"; do
    case "$arg" in
        --staging) staging=1 ;;
        --force) force=1 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) die "unknown argument: $arg" ;;
    esac
done

require_docker
domains="$(env_get CHATDESK_DOMAIN)"
email="$(env_get CHATDESK_LETSENCRYPT_EMAIL)"
[[ -n "$domains" && "$domains" != "chat.example.vn" ]] || die "set CHATDESK_DOMAIN in .env"
[[ -n "$email" && "$email" != "admin@example.vn" ]] || die "set CHATDESK_LETSENCRYPT_EMAIL in .env"
secret="$(env_get CHATDESK_JWT_SECRET)"
if [[ ${#secret} -lt 32 || "$secret" == *CHANGE_ME* ]]; then
    die "set CHATDESK_JWT_SECRET in .env: sed -i \"s/^CHATDESK_JWT_SECRET=.*/CHATDESK_JWT_SECRET=\$(openssl rand -hex 32)/\" .env"
fi

domain_args=()
IFS=',' read -r -a names <<<"$domains"
for d in "${names[@]}"; do
    d="${d// /}"
    [[ -n "$d" ]] && domain_args+=(-d "$d")
done

live=/etc/letsencrypt/live/chatdesk
certbot_sh() { compose run --rm --no-deps --entrypoint /bin/sh certbot -c "$1"; }

if certbot_sh "test -f /etc/letsencrypt/renewal/chatdesk.conf"; then
    if [[ "$force" == 0 ]]; then
        log "a Let's Encrypt certificate already exists (renewed automatically); use --force to request a new one"
        exit 0
    fi
    log "requesting a new certificate over the existing one"
    compose up -d nginx
    extra=()
    [[ "$staging" == 1 ]] && extra+=(--staging)
    compose run --rm --no-deps --entrypoint certbot certbot certonly --webroot -w /var/www/certbot \
        --cert-name chatdesk "${domain_args[@]}" --email "$email" --agree-tos --no-eff-email \
        --non-interactive --force-renewal "${extra[@]}"
    nginx_reload
    log "done"
    exit 0
fi

log "1/4 self-signed placeholder certificate"
certbot_sh "test -f $live/fullchain.pem || { mkdir -p $live && openssl req -x509 -nodes -newkey rsa:2048 -days 1 \
    -keyout $live/privkey.pem -out $live/fullchain.pem -subj /CN=chatdesk-placeholder >/dev/null 2>&1; }"

log "2/4 starting the stack (builds the image the first time: a few minutes)"
compose up -d --build nginx
for _ in $(seq 1 30); do
    if compose exec -T nginx wget -q -O /dev/null http://127.0.0.1/nginx-health 2>/dev/null; then
        break
    fi
    sleep 2
done
compose exec -T nginx wget -q -O /dev/null http://127.0.0.1/nginx-health ||
    die "nginx did not start: docker compose logs nginx"

log "3/4 requesting the certificate for: $domains"
certbot_sh "rm -rf /etc/letsencrypt/placeholder && mkdir -p /etc/letsencrypt/placeholder && mv $live /etc/letsencrypt/placeholder/"
extra=()
[[ "$staging" == 1 ]] && extra+=(--staging)
if ! compose run --rm --no-deps --entrypoint certbot certbot certonly --webroot -w /var/www/certbot \
    --cert-name chatdesk "${domain_args[@]}" --email "$email" --agree-tos --no-eff-email \
    --non-interactive "${extra[@]}"; then
    certbot_sh "rm -rf $live && mv /etc/letsencrypt/placeholder/chatdesk $live"
    die "certbot failed. Check: the DNS A record of $domains points to this server, port 80 is open (ufw allow 80/tcp), then run this script again."
fi
certbot_sh "rm -rf /etc/letsencrypt/placeholder"

log "4/4 reloading nginx"
nginx_reload
log "HTTPS is ready: https://${names[0]// /}/dashboard/"
