#!/usr/bin/env bash
# Every test of Anjing: the Rust workspace, then the browser tests of the web app
# (Playwright from npm driving Debian's chromium). Installs what the browser tests need
# when it is missing: chromium and a CJK font from Debian (as root), playwright-core from npm.
# ANJING_SKIP_BROWSER=1 runs the Rust tests only.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace

if [[ "${ANJING_SKIP_BROWSER:-}" == 1 ]]; then
    echo "browser tests skipped (ANJING_SKIP_BROWSER=1)"
    exit 0
fi
if [[ ! -x /usr/bin/chromium ]]; then
    if [[ "$(id -u)" != 0 ]]; then
        echo "browser tests need Debian's chromium: sudo apt-get install chromium fonts-noto-cjk" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
fi
cargo build -p anjing
cd tests-browser
npm ci --no-audit --no-fund --loglevel=error
node --test journey.test.mjs
