#!/usr/bin/env bash
# Installs what the test suite needs on Debian (as root), only what is missing.
set -euo pipefail
PACKAGES=(curl iproute2 cups cups-client chromium chromium-driver gcc-mingw-w64-x86-64 wrk bc)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if command -v rustup >/dev/null; then
  rustup target list --installed | grep -q x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy rustfmt
fi
