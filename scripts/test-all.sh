#!/usr/bin/env bash
# Every test of Anjing: the Rust workspace, then the browser tests of the web app
# (Playwright from npm driving Debian's chromium). Installs what the tests need when it is
# missing, from Debian (as root): poppler-utils (the PDF tests read PDFs back with pdftotext,
# pdffonts, pdfinfo), chromium and a CJK font; playwright-core from npm.
# ANJING_SKIP_BROWSER=1 runs the Rust tests only.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[[ -x /usr/bin/pdftotext ]] || need+=(poppler-utils)
if [[ "${ANJING_SKIP_BROWSER:-}" != 1 && ! -x /usr/bin/chromium ]]; then
    need+=(chromium fonts-noto-cjk)
fi
if ((${#need[@]})); then
    if [[ "$(id -u)" != 0 ]]; then
        echo "the tests need Debian packages: sudo apt-get install ${need[*]}" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cargo test --workspace

if [[ "${ANJING_SKIP_BROWSER:-}" == 1 ]]; then
    echo "browser tests skipped (ANJING_SKIP_BROWSER=1)"
    exit 0
fi
cargo build -p anjing
cd tests-browser
npm ci --no-audit --no-fund --loglevel=error
node --test journey.test.mjs
