#!/usr/bin/env bash
# Builds the release binaries and runs the benchmark. `--quick` for a few-second run (CI);
# `--flood-only` for the LAN-flood figure alone (needs root: a network namespace).
# BENCH_TARGET_DIR: measure the release binary already built in that target directory
# (scripts/test.sh passes its packaging lane's) instead of building one here.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || true
if [ -z "${BENCH_TARGET_DIR:-}" ]; then
  cargo build --release --quiet
  if [ "${1:-}" != "--quick" ]; then
    cargo build --release --quiet --target x86_64-pc-windows-gnu || echo "(Windows build skipped: target not installed)"
  fi
fi
if [ "${1:-}" = "--quick" ]; then
  # CI checks that the bench runs and asserts no timing: the driver is built in the dev
  # profile (`cargo test` has already compiled it and its dependencies); the service it
  # measures is still the release binary.
  cargo run --quiet --example bench -- "$@"
else
  cargo run --release --quiet --example bench -- "$@"
fi
