#!/usr/bin/env bash
# The benchmark (issue 8), in one command:
#   bench/run.sh            full run (about 5 minutes)
#   bench/run.sh --quick    short run (about 2 minutes)
#   bench/run.sh --profile perf|callgrind   profile agentrouter under chat-16 instead
# Installs what is missing (Debian: wrk, nginx, gcc, python3, linux-perf/valgrind for --profile; npm:
# the Portkey gateway into bench/portkey), builds the mock upstream and the streaming client into
# bench/out/bin and agentrouter (Release) into build-bench/, then runs bench/bench.py.
# AGENTROUTER_BIN=/path/to/agentrouter skips the agentrouter build. Other options: bench/bench.py --help.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
OUT="$BENCH/out"
mkdir -p "$OUT/bin" "$OUT/logs"

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
need=(wrk nginx gcc python3 util-linux)
case " $* " in *" perf "*|*"--profile=perf"*) need+=(linux-perf) ;; *" callgrind "*|*"--profile=callgrind"*) need+=(valgrind) ;; esac
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
# Debian's nginx package may start a system nginx on port 80: the benchmark runs its own instance.

# Node.js and the Portkey gateway (package-lock.json pins @hono/node-server to 2.1.9 by override).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "bench: installing nodejs npm" >&2
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends nodejs npm >&2
fi
stamp="$BENCH/portkey/node_modules/.bench-lock"
if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$BENCH/portkey/package-lock.json"; then
  echo "bench: npm ci in bench/portkey" >&2
  (cd "$BENCH/portkey" && npm ci --no-audit --no-fund --loglevel=error >&2)
  cp "$BENCH/portkey/package-lock.json" "$stamp"
fi

# The mock upstream and the streaming client (plain C, no Qt).
for src in mock/mock_upstream.c client/sse_client.c; do
  bin="$OUT/bin/$(basename "$src" .c)"
  if [ ! -x "$bin" ] || [ "$BENCH/$src" -nt "$bin" ]; then
    gcc -O2 -Wall -Wextra -o "$bin" "$BENCH/$src"
  fi
done

# Agent Router Desktop, Release, in its own build folder.
if [ -z "${AGENTROUTER_BIN:-}" ]; then
  AGENTROUTER_BIN="$ROOT/build-bench/app/agentrouter"
  if ! command -v cmake >/dev/null || ! command -v ninja >/dev/null || ! dpkg-query -W qt6-base-dev >/dev/null 2>&1; then
    "$ROOT/scripts/deps.sh"
  fi
  echo "bench: building agentrouter (Release) in build-bench/" >&2
  if ! { cmake -S "$ROOT" -B "$ROOT/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null &&
         cmake --build "$ROOT/build-bench" --target agentrouter >&2; }; then
    if [ -x "$AGENTROUTER_BIN" ]; then
      echo "bench: WARNING: the build failed; measuring the previous binary $AGENTROUTER_BIN" >&2
    else
      echo "bench: the agentrouter build failed" >&2; exit 1
    fi
  fi
fi
export AGENTROUTER_BIN

exec python3 "$BENCH/bench.py" "$@"
