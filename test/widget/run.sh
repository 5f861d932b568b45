#!/usr/bin/env bash
# Browser tests of the widget against the real server in headless Chromium.
# Needs: Go (builds bin/chatdesk-dev), Node/npm, Debian chromium at /usr/bin/chromium
# (override with CHROMIUM_PATH). Screenshots and server logs: artifacts/widget/.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "chromium not found at ${CHROMIUM_PATH:-/usr/bin/chromium} (apt-get install -y chromium)" >&2
  exit 1
fi
# The widget bundle the server will serve (built when missing or stale by the tests too).
if [ ! -d ../../web-widget/node_modules ]; then (cd ../../web-widget && npm ci --no-audit --no-fund); fi
(cd ../../web-widget && npm run build)
npm ci --no-audit --no-fund
npm test
