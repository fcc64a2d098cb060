#!/usr/bin/env bash
# Builds the release binaries and runs the benchmark. `--quick` for a few-second run (CI);
# `--flood-only` for the LAN-flood figure alone (needs root: a network namespace);
# `--receipts-only` for the receipts and their python-escpos peer alone.
# BENCH_TARGET_DIR: measure the release binary already built in that target directory
# (scripts/test.sh passes its packaging lane's) instead of building one here.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || true
# The receipts' peer, python-escpos, in a venv of its own under target/, installed once.
# Without python or PyPI the bench goes on and its row says python-escpos is not installed.
VENV=target/bench-venv
if ! "$VENV/bin/python" -c "import escpos.printer" 2>/dev/null; then
  { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check \
      --timeout 20 --retries 1 python-escpos; } >/dev/null 2>&1 \
    || echo "(python-escpos not installed: its bench row is left empty)"
fi
export BENCH_PYTHON="$PWD/$VENV/bin/python"
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
  case "${1:-}" in
    --*-only) ;;
    *) cargo run --release --quiet --example metrics_bench ;;
  esac
fi
