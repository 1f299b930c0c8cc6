#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine, from the project's own files:
# Debian's Chromium (the real browser the HTML tests drive), PostgreSQL + PostGIS (the real database
# the PostGIS tests start on loopback), then landgis with its test extra from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(chromium postgresql postgresql-15-postgis-3)  # "postgis" alone is only the client tools; the extension is postgresql-15-postgis-3
missing=()
for pkg in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
