#!/usr/bin/env bash
# Upgrade chatdesk with no downtime for visitors and agents.
#
#   ./deploy/upgrade.sh              # git pull, build, rolling replace
#   ./deploy/upgrade.sh --no-pull    # rebuild the current checkout only
#
# Rolling replace: start as many new nodes as there are old ones, wait until
# they are healthy, then stop the old nodes one by one with SIGTERM (each
# drains its WebSockets: clients get server.draining and reconnect through
# nginx to a new node) and remove them. nginx re-resolves "chatdesk" every
# 10 s and skips a stopped node immediately (connection refused -> next node).
set -euo pipefail
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pull=1
[[ "${1-}" == "--no-pull" ]] && pull=0
require_docker

if [[ "$pull" == 1 ]]; then
    log "git pull"
    git pull --ff-only
fi
CHATDESK_VERSION="$(git describe --tags --always --dirty 2>/dev/null || date -u +%Y%m%d%H%M%S)"
export CHATDESK_VERSION
log "building chatdesk $CHATDESK_VERSION"
compose build chatdesk

log "data services and certbot (recreated only if their definition changed)"
compose up -d --no-deps mongo redis certbot
compose up -d --wait --no-deps mongo redis >/dev/null 2>&1 || true

mapfile -t old < <(compose ps -q chatdesk)
n="${#old[@]}"
if [[ "$n" -eq 0 ]]; then
    log "no node running: starting one"
    compose up -d --no-deps chatdesk
else
    log "starting $n new node(s) next to the $n old one(s)"
    compose up -d --no-deps --no-recreate --scale chatdesk=$((2 * n)) chatdesk
    mapfile -t all < <(compose ps -q chatdesk)
    new=()
    for id in "${all[@]}"; do
        [[ " ${old[*]} " == *" $id "* ]] || new+=("$id")
    done
    log "waiting for the new node(s) to be healthy"
    for id in "${new[@]}"; do
        for i in $(seq 1 60); do
            state="$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")"
            [[ "$state" == "healthy" ]] && break
            if [[ "$i" -eq 60 || "$state" == "unhealthy" || "$state" == "exited" ]]; then
                warn "new node $id is $state; removing the new nodes, the old ones keep serving"
                docker logs --tail 50 "$id" >&2 || true
                docker rm -f "${new[@]}" >/dev/null
                die "upgrade aborted"
            fi
            sleep 2
        done
    done
    for id in "${old[@]}"; do
        log "draining old node ${id:0:12}"
        docker stop -t 30 "$id" >/dev/null
        docker rm "$id" >/dev/null
    done
    compose up -d --no-deps --no-recreate --scale chatdesk="$n" chatdesk
fi

log "nginx: apply configuration changes"
compose up -d --no-deps nginx
nginx_reload
log "upgrade to $CHATDESK_VERSION done"
compose ps
