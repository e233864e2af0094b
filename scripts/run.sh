#!/usr/bin/env bash
# The main job: install what is missing, build, start the gateway.
# With no arguments it starts `agentrouter serve`; any arguments are passed to agentrouter.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh >&2
if [ $# -eq 0 ]; then set -- serve; fi
exec build/app/agentrouter "$@"
