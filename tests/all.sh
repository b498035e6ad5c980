#!/usr/bin/env bash
# Every test: the Rust workspace (unit, integration, COINr parity, API),
# then the browser tests of the report (opened from disk, network off) and
# the served dashboard, in headless Chromium. Screenshots go to
# target/browser-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --all-features
cargo build -p digindex-cli
tests/browser/setup.sh
node tests/browser/run.mjs target/debug/digindex
