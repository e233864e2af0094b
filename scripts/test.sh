#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (C++ suites and the openai npm client test)
# inside a private D-Bus session with its own gnome-keyring, so no real keyring is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
(cd tests/npm && npm ci --no-audit --no-fund --loglevel=error)
exec dbus-run-session -- scripts/with-keyring.sh \
  ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 300
