#!/usr/bin/env bash
# Runs every test: formatting, lints on Linux and on the Windows target, the whole cargo
# test suite (unit, integration over real TCP, real CUPS, headless Chromium), the API docs
# (cargo doc, no warning), the Linux packages (amd64 + arm64 under qemu, install in a throw-away root), the Windows exe and
# installer under wine, a few seconds of each fuzz target, and the quick benchmark (which
# checks that the bench runs; it asserts no timing). Each step installs what it needs.
#
#   scripts/test.sh                      everything
#   SKIP="deb windows" scripts/test.sh   leave steps out (names below)
#
# Two lanes run side by side: the cargo lane (fmt, clippy, tests, fuzz) and the packaging
# lane (release builds for Windows, Linux and arm64, then wine, dpkg, debootstrap and
# systemd-nspawn, which mostly wait on other programs). The packaging lane builds in its
# own target directory, target/packaging, because cargo locks a target directory for the
# length of a build; its output is shown when it ends. The bench runs last, alone, on the
# release binary the packaging lane built.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh || exit 1

RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
step() {
  local name="$1"; shift
  if [[ " ${SKIP:-} " == *" $name "* ]]; then echo "== $name: skipped (SKIP)"; return; fi
  echo "== $name: $*"
  local t0=$SECONDS
  if "$@"; then
    echo "ok $name" >>"$RESULTS"; echo "== $name: ok ($((SECONDS-t0)) s)"
  else
    echo "FAILED $name" >>"$RESULTS"; echo "== $name: FAILED ($((SECONDS-t0)) s)"
  fi
}

export PACKAGING_TARGET=$PWD/target/packaging
packaging_lane() {
  export CARGO_TARGET_DIR=$PACKAGING_TARGET
  # One SOURCE_DATE_EPOCH for every build of the lane: ring's build script reads it, so
  # a different value (build-deb.sh sets it) would rebuild ring and all TLS crates.
  SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
  export SOURCE_DATE_EPOCH
  # The packages built here are tested, never shipped: the release profile without its
  # link-time optimisation builds in about half the time, from the same code. A release
  # (scripts/build-dist.sh, build-deb.sh run by hand) keeps the profile of Cargo.toml.
  export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
  step windows bash scripts/test-windows.sh
  step deb bash scripts/test-deb.sh
  # The bench's release binary, for a run that left both package steps out.
  cargo build --release --locked --quiet
}
mkdir -p target
LANE_LOG=target/packaging-lane.log
packaging_lane >"$LANE_LOG" 2>&1 &
lane=$!
echo "== packaging lane (windows, deb) started beside the cargo steps; its output follows them"

step fmt cargo fmt --all -- --check
step clippy cargo clippy --all-targets -- -D warnings
step clippy-windows cargo clippy --target x86_64-pc-windows-gnu --all-targets -- -D warnings
step cargo-test cargo test --no-fail-fast
RUSTDOCFLAGS="-D warnings" step doc cargo doc --no-deps --quiet
FUZZ_BUILD=${FUZZ_BUILD---sanitizer none --dev} step fuzz bash scripts/fuzz.sh "${FUZZ_SECONDS:-3}"

wait "$lane"
echo "== packaging lane output ($LANE_LOG):"
cat "$LANE_LOG"
BENCH_TARGET_DIR=$PACKAGING_TARGET step bench bash bench/run.sh --quick

passed=$(grep -c '^ok ' "$RESULTS")
failed=$(grep -c '^FAILED ' "$RESULTS")
[ "$failed" -gt 0 ] && echo "failed steps: $(sed -n 's/^FAILED //p' "$RESULTS" | tr '\n' ' ')"
echo "steps: ${passed} passed, ${failed} failed (${SECONDS} s)"
[ "$failed" = 0 ]
