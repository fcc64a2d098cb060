#!/usr/bin/env bash
# Builds everything a release ships into dist/ (the spec's build.py):
#   odoo-pos-cashdrawer-<v>-windows-x86_64.exe   the Windows exe (x86_64-pc-windows-gnu, release)
#   odoo-pos-cashdrawer-<v>-setup.exe            the NSIS installer (service, firewall, certificate)
#   odoo-pos-cashdrawer-<v>-windows-x86_64.zip   the exe + a sample config.ini, no installer
#   odoo-pos-cashdrawer-<v>-linux-x86_64         the Linux binary
#   SHA256SUMS
# The version comes from Cargo.toml. Needs: rustup target x86_64-pc-windows-gnu,
# gcc-mingw-w64-x86-64 (linker and windres), nsis, zip.
set -euo pipefail
cd "$(dirname "$0")/.."

WIN_TARGET=x86_64-pc-windows-gnu
# Where cargo builds (CARGO_TARGET_DIR when set: scripts/test.sh builds the packages apart).
T=${CARGO_TARGET_DIR:-target}
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ -n "$VERSION" ] || { echo "version introuvable dans Cargo.toml" >&2; exit 1; }
NAME=odoo-pos-cashdrawer-$VERSION
# The last commit's date, as build-deb.sh uses: ring's build script reads it, so the same
# value lets the two scripts share one Linux release build.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

for tool in makensis zip x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres; do
    command -v "$tool" >/dev/null || {
        echo "outil manquant: $tool (apt-get install -y nsis zip gcc-mingw-w64-x86-64)" >&2
        exit 1
    }
done

echo "==> cargo build --release (Windows, $WIN_TARGET)"
cargo build --release --locked --target "$WIN_TARGET"
echo "==> cargo build --release (Linux)"
cargo build --release --locked

rm -rf dist
mkdir -p dist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The sample config.ini is what the service itself writes on first run (every key with
# its default), with the two Windows defaults the Linux binary cannot know.
"$T/release/odoo-pos-cashdrawer" --data-dir "$work/data" printers >/dev/null 2>&1 || true
[ -f "$work/data/config.ini" ] || { echo "config.ini par défaut non créé" >&2; exit 1; }
sed -e '/^\[printer\]/,/^\[/ s/^name = virtual$/name = TICKET/' \
    -e 's/^download_folder = .*/download_folder = C:\\Users\\Public\\Downloads/' \
    "$work/data/config.ini" > "$work/config.ini"
grep -q '^name = TICKET$' "$work/config.ini" &&
    grep -q '^download_folder = C:\\Users\\Public\\Downloads$' "$work/config.ini" || {
    echo "config.ini par défaut: format inattendu, adapter scripts/build-dist.sh" >&2
    exit 1
}

cp "$T/$WIN_TARGET/release/odoo-pos-cashdrawer.exe" "dist/$NAME-windows-x86_64.exe"
cp "$T/release/odoo-pos-cashdrawer" "dist/$NAME-linux-x86_64"

mkdir -p "$work/zip"
cp "$T/$WIN_TARGET/release/odoo-pos-cashdrawer.exe" "$work/config.ini" "$work/zip/"
(cd "$work/zip" && zip -q -X "$OLDPWD/dist/$NAME-windows-x86_64.zip" odoo-pos-cashdrawer.exe config.ini)

echo "==> makensis"
makensis -V2 -WX -DVERSION="$VERSION" -DNUMVERSION="${VERSION%%[-+]*}" \
    -DEXE="$(realpath "$T")/$WIN_TARGET/release/odoo-pos-cashdrawer.exe" \
    -DCONFIG="$work/config.ini" \
    -DOUTFILE="$PWD/dist/$NAME-setup.exe" \
    packaging/windows/installer.nsi

(cd dist && sha256sum -- * > SHA256SUMS)
echo "==> dist/"
ls -l dist
cat dist/SHA256SUMS
