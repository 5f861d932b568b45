#!/usr/bin/env bash
# Create an agent (default: an admin) in the running stack.
#
#   ./deploy/create-admin.sh admin@example.vn "Nguyễn Văn An" [admin|agent]
#
# The password is asked twice (not echoed) and sent on standard input, so it
# never appears in the shell history, the process list or `docker inspect`.
set -euo pipefail
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -ge 2 ]] || die "usage: deploy/create-admin.sh EMAIL NAME [admin|agent]"
email="$1"
name="$2"
role="${3:-admin}"
[[ "$role" == "admin" || "$role" == "agent" ]] || die "role must be admin or agent"
require_docker

read -r -s -p "Password for $email (at least 8 characters): " pw1; echo
read -r -s -p "Repeat: " pw2; echo
[[ "$pw1" == "$pw2" ]] || die "passwords differ"
[[ ${#pw1} -ge 8 ]] || die "password too short"

printf '%s\n' "$pw1" | compose run --rm -T chatdesk agent add --email "$email" --name "$name" --role "$role"
log "created $role $email"
