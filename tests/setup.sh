#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine, from the project's own files:
# Debian's Chromium (the real browser the HTML tests drive), PostgreSQL + PostGIS (the real database
# the PostGIS tests start on loopback), QGIS with Debian's Python (python3-qgis + qgis-providers: opens the
# atlas' project headless), LibreOffice Writer (converts the Word report to PDF), poppler-utils (pdftotext,
# pdftoppm) and Noto CJK (the Chinese font QGIS and LibreOffice draw with), then landgis with its test
# extra from PyPI, into $PYTHON (default python3; the README passes its venv's python).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(chromium postgresql postgresql-15-postgis-3  # "postgis" alone is only the client tools; the extension is postgresql-15-postgis-3
              python3-qgis qgis-providers libreoffice-writer poppler-utils fonts-noto-cjk
              python3-venv git)  # the quick-start test: a clean clone into a fresh venv
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

"${PYTHON:-python3}" -m pip install --quiet --disable-pip-version-check -e '.[test]'
