#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh. REPLACES the current data.
#
#   ./deploy/restore.sh backups/chatdesk-20261122-021500.archive.gz
#
# Steps: stop the chatdesk nodes, mongorestore --drop, clear chatdesk's Redis
# keys (sequence counters, locks, presence: the nodes rebuild them from
# MongoDB), start the nodes again.
set -euo pipefail
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -ge 1 ]] || die "usage: deploy/restore.sh BACKUP.archive.gz [--yes]"
file="$1"
[[ -s "$file" ]] || die "no such backup: $file"
require_docker
db="$(env_get CHATDESK_MONGO_DB chatdesk)"
prefix="$(env_get CHATDESK_REDIS_PREFIX chatdesk)"
prefix="${prefix%:}:"   # keys are PREFIX:...
[[ "$prefix" != ":" ]] || die "CHATDESK_REDIS_PREFIX is empty: clear Redis by hand"

if [[ "${2-}" != "--yes" ]]; then
    read -r -p "Replace database '$db' with $file? Type YES: " answer
    [[ "$answer" == "YES" ]] || die "aborted"
fi

replicas="$(compose ps -q chatdesk | wc -l)"
[[ "$replicas" -ge 1 ]] || replicas=1

log "stopping chatdesk nodes"
compose stop chatdesk
log "restoring '$db'"
compose exec -T mongo mongorestore --quiet --drop --archive --gzip --nsInclude "$db.*" <"$file"
log "clearing Redis keys '$prefix*'"
# shellcheck disable=SC2016 # $1 expands inside the container
compose exec -T redis sh -c 'redis-cli --scan --pattern "$1*" | xargs -r -n 100 redis-cli del >/dev/null' sh "$prefix"
log "starting $replicas chatdesk node(s)"
compose up -d --no-deps --scale chatdesk="$replicas" chatdesk
log "restore done"
