#!/usr/bin/env bash
# Installs everything iot-audit needs on a fresh Debian/Ubuntu machine with Node.js,
# then writes the demo report from the fixtures into reports/demo/.
# Chromium (for the PDF) and poppler-utils (for the PDF tests) come from apt when
# missing and this runs as root; npm never downloads a browser (puppeteer-core).
# libdeflate-dev (optional: log files gunzip faster with it) too, before npm builds the addon.
set -euo pipefail
cd "$(dirname "$0")/.."

have_browser() {
  [ -n "${PUPPETEER_EXECUTABLE_PATH:-}" ] && [ -x "${PUPPETEER_EXECUTABLE_PATH}" ] && return 0
  for b in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do [ -x "$b" ] && return 0; done
  return 1
}

missing=()
have_browser || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
if [ ${#missing[@]} -gt 0 ]; then
  if can_apt; then
    echo "Installing ${missing[*]} with apt-get..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing: ${missing[*]}. Install them (e.g. sudo apt-get install ${missing[*]}) and run this again." >&2
    exit 1
  fi
fi
if [ ! -f /usr/include/libdeflate.h ] && can_apt; then
  echo "Installing libdeflate-dev with apt-get (optional: faster gunzip)..."
  { [ ${#missing[@]} -gt 0 ] || apt-get update -qq; } && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libdeflate-dev >/dev/null ||
    echo "libdeflate-dev not installed: log files will be gunzipped with Node's zlib (same results, slower)" >&2
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
npm run build
npm run demo
