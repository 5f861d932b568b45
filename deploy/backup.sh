#!/usr/bin/env bash
# Dump the chatdesk MongoDB database to a dated, gzipped archive.
#
#   ./deploy/backup.sh [DIR]        # default DIR: ./backups
#   KEEP_DAYS=30 ./deploy/backup.sh # delete archives older than 30 days (default 14)
#
# Cron (every night at 02:15, as root):
#   15 2 * * * cd /opt/chatdesk && ./deploy/backup.sh >>/var/log/chatdesk-backup.log 2>&1
# Copy the archives off the server too (rclone, rsync, object storage...).
set -euo pipefail
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_docker
dir="${1:-$CHATDESK_ROOT/backups}"
keep_days="${KEEP_DAYS:-14}"
[[ "$keep_days" =~ ^[0-9]+$ ]] || die "KEEP_DAYS must be a number"
db="$(env_get CHATDESK_MONGO_DB chatdesk)"

mkdir -p "$dir"
chmod 700 "$dir"
file="$dir/chatdesk-$(date -u +%Y%m%d-%H%M%S).archive.gz"
tmp="$file.partial"
trap 'rm -f "$tmp"' EXIT

log "dumping database '$db' to $file"
compose exec -T mongo mongodump --quiet --db "$db" --archive --gzip >"$tmp"
[[ -s "$tmp" ]] || die "empty dump"
mv "$tmp" "$file"
chmod 600 "$file"
log "backup done: $(du -h "$file" | cut -f1)"

find "$dir" -maxdepth 1 -name 'chatdesk-*.archive.gz' -mtime +"$keep_days" -print -delete
