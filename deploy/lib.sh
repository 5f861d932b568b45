# shellcheck shell=bash
# Helpers shared by the deploy/*.sh scripts. Sourced, not executed.

# Run from the repository root (where docker-compose.yml and .env live).
CHATDESK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$CHATDESK_ROOT" || exit 1

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

compose() { docker compose "$@"; }

require_docker() {
    command -v docker >/dev/null 2>&1 || die "docker is not installed (see deploy/README.vi.md, step 2)"
    docker compose version >/dev/null 2>&1 || die "the docker compose plugin is missing: apt-get install docker-compose-plugin"
}

# env_get NAME [DEFAULT]: value of NAME from .env (last assignment wins),
# without sourcing the file. Surrounding quotes are removed.
env_get() {
    local name="$1" default="${2-}" line value
    [[ -f .env ]] || die ".env not found: cp .env.example .env and edit it"
    line="$(grep -E "^[[:space:]]*${name}=" .env | tail -n 1 || true)"
    if [[ -z "$line" ]]; then
        printf '%s' "$default"
        return
    fi
    value="${line#*=}"
    value="${value%$'\r'}"
    if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
        value="${BASH_REMATCH[1]}"
    fi
    printf '%s' "${value:-$default}"
}

NGINX_CONF=/etc/nginx/chatdesk/production.conf

nginx_reload() {
    compose exec -T nginx nginx -t -q -c "$NGINX_CONF" &&
        compose exec -T nginx nginx -c "$NGINX_CONF" -s reload
}
