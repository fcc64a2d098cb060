#!/usr/bin/env bash
# Builds the Debian packages into dist/: odoo-pos-cashdrawer_<version>-1_<arch>.deb.
#
#   scripts/build-deb.sh            # amd64 and arm64
#   scripts/build-deb.sh arm64      # one architecture
#
# Plain dpkg-deb rather than cargo-deb: the whole package is this script plus the files in
# packaging/deb/ (unit, maintainer scripts), readable at a glance, and it needs no extra
# cargo tool to compile on the build machine. arm64 is cross-built with Debian's
# gcc-aarch64-linux-gnu (linker set in .cargo/config.toml); the rust target must be added.
set -euo pipefail
cd "$(dirname "$0")/.."

NAME=odoo-pos-cashdrawer
# Where cargo builds (CARGO_TARGET_DIR when set: scripts/test.sh builds the packages apart).
T=${CARGO_TARGET_DIR:-target}
ARCHES=("$@")
[ ${#ARCHES[@]} -gt 0 ] || ARCHES=(amd64 arm64)

# Version from Cargo.toml ([package] comes first); a pre-release "1.0.0-rc.1" becomes
# "1.0.0~rc.1" so that dpkg orders it before 1.0.0.
CARGO_VERSION=$(sed -n 's/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n1)
[ -n "$CARGO_VERSION" ] || { echo "build-deb: no version in Cargo.toml" >&2; exit 1; }
DEB_VERSION="${CARGO_VERSION/-/\~}-1"
HOST_ARCH=$(dpkg --print-architecture)
# File dates in the package: the last commit's, so a rebuild gives the same archive.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
mkdir -p dist

rust_target() {
  case "$1" in
    amd64) echo x86_64-unknown-linux-gnu ;;
    arm64) echo aarch64-unknown-linux-gnu ;;
    *) echo "build-deb: unsupported architecture $1 (amd64, arm64)" >&2; exit 1 ;;
  esac
}

# The binary for one architecture; the host's one reuses the warm target/release.
build_binary() {
  local arch=$1 triple
  triple=$(rust_target "$arch")
  if [ "$arch" = "$HOST_ARCH" ]; then
    nice -n 10 cargo build --release --locked --bin "$NAME" >&2
    echo "$T/release/$NAME"
  else
    # A C dependency (if one ever appears) must use the cross compiler too.
    local cc_var="CC_${triple//-/_}"
    export "$cc_var"="${triple/unknown-/}-gcc"
    nice -n 10 cargo build --release --locked --target "$triple" --bin "$NAME" >&2
    echo "$T/$triple/release/$NAME"
  fi
}

# Depends: from what the binary really links (libc symbol versions, libgcc_s).
depends_for() {
  local bin=$1 objdump=objdump glibc deps
  [ "$2" = arm64 ] && objdump=aarch64-linux-gnu-objdump
  glibc=$($objdump -T "$bin" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)
  deps="libc6 (>= ${glibc:-2.17})"
  if $objdump -p "$bin" | grep -q 'NEEDED *libgcc_s'; then deps="$deps, libgcc-s1"; fi
  echo "$deps, passwd"
}

for arch in "${ARCHES[@]}"; do
  bin=$(build_binary "$arch")
  mkdir -p "$T"; root=$(mktemp -d "$T/deb-root.XXXXXX")
  trap 'rm -rf "$root"' EXIT
  chmod 0755 "$root" # mktemp's 0700 would end up as the mode of / on the till
  install -D -m 0755 "$bin" "$root/usr/bin/$NAME"
  install -D -m 0644 "packaging/deb/$NAME.service" "$root/usr/lib/systemd/system/$NAME.service"
  install -D -m 0644 packaging/deb/copyright "$root/usr/share/doc/$NAME/copyright"
  install -D -m 0644 README.md "$root/usr/share/doc/$NAME/README.md"
  for doc in docs/*.md; do
    install -D -m 0644 "$doc" "$root/usr/share/doc/$NAME/$doc"
  done
  install -d -m 0755 "$root/DEBIAN"
  for s in postinst prerm postrm; do
    install -m 0755 "packaging/deb/$s" "$root/DEBIAN/$s"
  done
  cat > "$root/DEBIAN/control" <<CONTROL
Package: $NAME
Version: $DEB_VERSION
Architecture: $arch
Maintainer: odoo-pos-cashdrawer developers <odoo-pos-cashdrawer@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $(depends_for "$bin" "$arch")
Recommends: cups-client
Section: net
Priority: optional
Description: Local service that opens the cash drawer and prints for Odoo POS
 Runs on the till (or a Raspberry Pi hardware box) and lets the Odoo point of
 sale open the cash drawer through the receipt printer and print tickets and
 invoices on USB, serial, network or CUPS printers. Drop-in replacement for the
 Python webservice: same port (22548), same endpoints, same config.ini.
 .
 The systemd unit odoo-pos-cashdrawer.service runs it as the system user
 odoo-pos-cashdrawer (groups lp and dialout), data in /var/lib/odoo-pos-cashdrawer.
CONTROL
  out="dist/${NAME}_${DEB_VERSION}_${arch}.deb"
  dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
  rm -rf "$root"
  trap - EXIT
  echo "$out"
done
