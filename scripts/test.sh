#!/usr/bin/env bash
# Runs every test: formatting, lints on Linux and on the Windows target, the whole cargo
# test suite (unit, integration over real TCP, real CUPS, headless Chromium), the Linux
# packages (amd64 + arm64 under qemu, install in a throw-away root), the Windows exe and
# installer under wine, a few seconds of each fuzz target, and the quick benchmark (which
# checks that the bench runs; it asserts no timing). Each step installs what it needs.
#
#   scripts/test.sh            everything
#   SKIP="deb windows" scripts/test.sh   leave steps out (names below)
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh || exit 1

passed=0; failed=0; failures=()
step() {
  local name="$1"; shift
  if [[ " ${SKIP:-} " == *" $name "* ]]; then echo "== $name: skipped (SKIP)"; return; fi
  echo "== $name: $*"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed+1)); echo "== $name: ok ($((SECONDS-t0)) s)"
  else
    failed=$((failed+1)); failures+=("$name"); echo "== $name: FAILED ($((SECONDS-t0)) s)"
  fi
}

step fmt cargo fmt --all -- --check
step clippy cargo clippy --all-targets -- -D warnings
step clippy-windows cargo clippy --target x86_64-pc-windows-gnu --all-targets -- -D warnings
step cargo-test cargo test --no-fail-fast
[ -f scripts/test-windows.sh ] && step windows bash scripts/test-windows.sh
[ -f scripts/test-deb.sh ] && step deb bash scripts/test-deb.sh
step fuzz bash scripts/fuzz.sh "${FUZZ_SECONDS:-3}"
step bench bash bench/run.sh --quick

[ ${#failures[@]} -gt 0 ] && echo "failed steps: ${failures[*]}"
echo "steps: ${passed} passed, ${failed} failed"
[ "$failed" = 0 ]
