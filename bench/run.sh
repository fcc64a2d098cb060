#!/usr/bin/env bash
# Builds the release binaries and runs the benchmark. `--quick` for a few-second run (CI).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || true
cargo build --release --quiet
if [ "${1:-}" != "--quick" ]; then
  cargo build --release --quiet --target x86_64-pc-windows-gnu || echo "(Windows build skipped: target not installed)"
fi
cargo run --release --quiet --example bench -- "$@"
