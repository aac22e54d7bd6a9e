#!/usr/bin/env bash
# Serves the playground at http://127.0.0.1:8080, installing what is missing first.
# Extra arguments go to `trunk serve` (for example --release or --port 9000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ensure-tools.sh"
ensure_web_tools
cd "$ROOT"
log "building and serving the playground on http://127.0.0.1:8080"
exec trunk serve "$@"
