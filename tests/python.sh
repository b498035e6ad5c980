#!/usr/bin/env bash
# The Python package's tests: a virtual environment made here (target/pyvenv),
# maturin, pandas and pytest from PyPI, the extension built in place with the
# dev profile (reusing the workspace's compiled crates), then pytest comparing
# the package's results with the `digindex` binary's (target/debug/digindex).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/pyvenv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "maturin>=1.5,<2" "numpy>=1.22" "pandas>=1.5" "pytest>=7"
VIRTUAL_ENV="$PWD/$venv" "$venv/bin/maturin" develop -q --manifest-path python/Cargo.toml
DIGINDEX_BIN="$PWD/target/debug/digindex" "$venv/bin/python" -m pytest -q python/tests
