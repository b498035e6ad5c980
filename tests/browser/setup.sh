#!/usr/bin/env bash
# What the browser tests need, installed only if missing: Debian's chromium
# (never a downloaded browser) and playwright-core from npm (package-lock.json).
set -euo pipefail
cd "$(dirname "$0")"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  as_root apt-get update -q && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q nodejs npm
fi
if [ ! -x /usr/bin/chromium ]; then
  as_root apt-get update -q || true
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q chromium
fi
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund
fi
