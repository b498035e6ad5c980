#!/usr/bin/env bash
# Every test: the Rust workspace (unit, integration, COINr parity, API),
# the Python package against the binary, then the browser tests of the report (opened from disk, network off) and
# the served dashboard, in headless Chromium. Screenshots go to
# target/browser-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
# (the Python extension is built by maturin below, not linked as a test binary)
cargo test --workspace --all-features --exclude digindex-python
# The OpenAlex line scanner has AVX2/POPCNT/PCLMULQDQ code paths chosen at
# compile time (for builds with -C target-cpu=native); test them too when
# this CPU can run them, in their own target folder.
v3_and_clmul() {
  local flag
  for flag in avx2 bmi1 bmi2 fma movbe f16c abm popcnt pclmulqdq; do
    grep -qw "$flag" /proc/cpuinfo 2>/dev/null || return 1
  done
}
if v3_and_clmul; then
  CARGO_TARGET_DIR=target/x86-64-v3 RUSTFLAGS="-C target-cpu=x86-64-v3 -C target-feature=+pclmulqdq" \
    cargo test -p digindex-openalex
fi
cargo build -p digindex-cli
tests/python.sh
tests/browser/setup.sh
node tests/browser/run.mjs target/debug/digindex
