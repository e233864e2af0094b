#!/usr/bin/env bash
# Runs "$@" with a private, unlocked gnome-keyring on the current (private) session bus.
set -euo pipefail
tmp=$(mktemp -d)
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" XDG_CONFIG_HOME="$tmp/config"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
pid=""
if command -v gnome-keyring-daemon >/dev/null; then
  eval "$(echo -n test-keyring-password | gnome-keyring-daemon --unlock --components=secrets)"
  pid=${GNOME_KEYRING_PID:-}
  for _ in $(seq 50); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
      | grep -q 'boolean true' && break
    sleep 0.1
  done
fi
status=0
"$@" || status=$?
[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
rm -rf "$tmp"
exit $status
