#!/usr/bin/env bash
# Installs the Debian packages the build, the app and the tests need (only those missing).
set -euo pipefail
PKGS=(cmake ninja-build g++ pkg-config
      qt6-base-dev libqt6opengl6-dev qt6-charts-dev libqt6sql6-sqlite qtkeychain-qt6-dev
      libssl-dev libsqlite3-dev libgtest-dev libgmock-dev libhttp-parser-dev
      xvfb xauth dbus gnome-keyring libsecret-tools imagemagick fonts-dejavu-core
      libqt6svg6 openssl nodejs npm curl)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs/npm may come from outside Debian on some machines; accept what is on PATH.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<< "${missing[*]:-}"
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
