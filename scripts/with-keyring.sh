#!/usr/bin/env bash
# Runs "$@" with a private, unlocked gnome-keyring on the current (private) session bus.
set -euo pipefail
tmp=$(mktemp -d)
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" XDG_CONFIG_HOME="$tmp/config"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
pid=""
cleanup() {
  # The daemon is started in the foreground (in the background of this shell) so its pid is
  # known: with --unlock alone it forks and GNOME_KEYRING_PID is never printed.
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
if command -v gnome-keyring-daemon >/dev/null; then
  # The password on stdin creates and unlocks the "login" collection without a prompt.
  gnome-keyring-daemon --foreground --unlock --components=secrets \
    <<< test-keyring-password >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
         org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
         | grep -q 'boolean true'; then
      export AR_TEST_KEYRING=1  # tests that need the real Secret Service run only when set
      break
    fi
    sleep 0.1
  done
fi
status=0
"$@" || status=$?
exit $status
