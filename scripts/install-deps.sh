#!/usr/bin/env bash
# Installs what the test suite needs on Debian (as root), only what is missing, in one
# apt-get run before any step starts: scripts/test.sh runs two lanes side by side, and
# two apt-get runs at once would fight over dpkg's lock. Steps left out with SKIP (see
# scripts/test.sh) do not have their packages installed. Each step script still checks
# its own packages, so it also runs alone.
set -euo pipefail
skipped() { [[ " ${SKIP:-} " == *" $1 "* ]]; }

PACKAGES=(curl iproute2 cups cups-client chromium chromium-driver gcc-mingw-w64-x86-64 wrk bc
  prometheus)  # prometheus: promtool and a real scraper for tests/api/metrics.rs (issue 16)
# The bench's receipt peer, python-escpos, is installed by bench/run.sh in a venv.
skipped bench || PACKAGES+=(python3 python3-venv)
# The Windows step (scripts/test-windows.sh); wine with its recommended packages.
WINE_PACKAGES=()
skipped windows || WINE_PACKAGES=(wine wine64 nsis zip unzip xxd python3)
# The Linux packages step (scripts/test-deb.sh).
skipped deb || PACKAGES+=(binutils gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  binutils-aarch64-linux-gnu qemu-user debootstrap util-linux systemd-container)

missing() { for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done; }
mapfile -t plain < <(missing "${PACKAGES[@]}")
mapfile -t wine < <(missing "${WINE_PACKAGES[@]}")
if [ ${#plain[@]} -gt 0 ] || [ ${#wine[@]} -gt 0 ]; then
  echo "== installing: ${plain[*]} ${wine[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  [ ${#plain[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${plain[@]}" >/dev/null
  [ ${#wine[@]} -eq 0 ] || apt-get install -y -qq "${wine[@]}" >/dev/null
fi
if command -v rustup >/dev/null; then
  installed=$(rustup target list --installed)
  grep -qx x86_64-pc-windows-gnu <<<"$installed" || rustup target add x86_64-pc-windows-gnu
  skipped deb || grep -qx aarch64-unknown-linux-gnu <<<"$installed" ||
    rustup target add aarch64-unknown-linux-gnu
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy rustfmt
  # The fuzz step (scripts/fuzz.sh) needs nightly; it installs cargo-fuzz itself.
  skipped fuzz || rustup run nightly rustc --version >/dev/null 2>&1 ||
    rustup toolchain install nightly --profile minimal
fi
