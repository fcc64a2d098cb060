#!/usr/bin/env bash
# Runs every fuzz target for N seconds each (default 5; the README says how long each ran
# clean for the release). Needs the nightly toolchain and cargo-fuzz; without them it says
# so and exits 0, so the rest of the suite still runs on a stable-only machine.
#
# FUZZ_BUILD: extra `cargo fuzz` build options. Unset: release with AddressSanitizer (the
# long runs). scripts/test.sh passes `--sanitizer none --dev` for its few seconds per
# target: an unoptimized build with debug assertions and overflow checks, still coverage
# guided, that compiles in half the time (CI runs it to catch panics, not to go deep).
set -euo pipefail
read -r -a build_opts <<<"${FUZZ_BUILD:-}"
cd "$(dirname "$0")/../fuzz"
seconds="${1:-5}"
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "fuzz: SKIPPED (no nightly toolchain on this machine; cargo fuzz needs it)"; exit 0
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --quiet || { echo "fuzz: SKIPPED (cargo-fuzz could not be installed)"; exit 0; }
fi
targets=$(cargo +nightly fuzz list)
ok=0; bad=0
mkdir -p target
for t in $targets; do
  mkdir -p "corpus/$t"
  cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
  if cargo +nightly fuzz run "${build_opts[@]}" "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 >"target/fuzz-$t.log" 2>&1; then
    echo "fuzz $t: clean for ${seconds}s ($(grep -ao 'Done [0-9]* runs' "target/fuzz-$t.log" | tail -1))"
    ok=$((ok+1))
  else
    echo "fuzz $t: FAILED, see fuzz/target/fuzz-$t.log and fuzz/artifacts/$t/"; tail -20 "target/fuzz-$t.log"
    bad=$((bad+1))
  fi
done
echo "fuzz: $ok passed, $bad failed"
[ "$bad" = 0 ]
