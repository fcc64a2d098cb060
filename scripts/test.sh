#!/usr/bin/env bash
# Runs every test: formatting, lints on Linux and on the Windows target, the whole
# cargo test suite (unit, integration over real TCP, browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== clippy (Linux)"
cargo clippy --all-targets -- -D warnings
echo "== clippy (Windows target)"
cargo clippy --target x86_64-pc-windows-gnu --all-targets -- -D warnings
echo "== cargo test"
cargo test --no-fail-fast
