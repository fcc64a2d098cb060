#!/usr/bin/env bash
# Tests the Debian packages end to end (run as root on Debian; CI calls it):
#  1. builds dist/*.deb for amd64 and arm64 (scripts/build-deb.sh);
#  2. checks each package's metadata and contents;
#  3. runs the packaged arm64 binary under qemu-user: --version, then `serve` on a free
#     loopback port and GET /status;
#  4. in a throw-away Debian root made by debootstrap (cached under target/deb-test/):
#     installs the amd64 .deb with dpkg, checks the user, groups, data folder and unit,
#     runs the unit's ExecStart as the unit's user (no systemd in a chroot) in a network
#     namespace of its own, GET /status, then dpkg -r and dpkg -P and checks the purge;
#  5. the same root booted with systemd (systemd-nspawn): install with systemd running,
#     the hardening as applied to the running service, Restart=on-failure, remove, purge.
# A part that cannot run here (no mirror for debootstrap, no privileges for nspawn) is
# reported as "skip" with the reason, never counted as passed.
# Last line: "N passed, N failed"; exit status non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

NAME=odoo-pos-cashdrawer
CACHE=target/deb-test
PASSED=0
FAILED=0
SKIPPED=0
pass() { echo "ok   - $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL - $*"; FAILED=$((FAILED + 1)); }
skip() { echo "skip - $*"; SKIPPED=$((SKIPPED + 1)); }
# check DESCRIPTION COMMAND...: one test per call.
check() {
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
  if [ "$SKIPPED" -gt 0 ]; then
    echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
  else
    echo "$PASSED passed, $FAILED failed"
  fi
  [ "$FAILED" -eq 0 ]
  exit
}

# ---------------------------------------------------------------- tools
PACKAGES=(binutils gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu
  qemu-user debootstrap curl util-linux iproute2 systemd-container)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
  rustup target add aarch64-unknown-linux-gnu
fi
mkdir -p "$CACHE"

# ---------------------------------------------------------------- 1. build
echo "== building the packages"
CARGO_VERSION=$(sed -n 's/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n1)
DEB_VERSION="${CARGO_VERSION/-/\~}-1"
rm -f dist/"${NAME}"_*.deb
if bash scripts/build-deb.sh amd64 arm64; then pass "build-deb.sh amd64 arm64"; else
  fail "build-deb.sh amd64 arm64"
  finish
fi
DEB_AMD64="dist/${NAME}_${DEB_VERSION}_amd64.deb"
DEB_ARM64="dist/${NAME}_${DEB_VERSION}_arm64.deb"

# ---------------------------------------------------------------- 2. contents
# e_machine of an ELF file, read from the package itself: 62 = x86-64, 183 = AArch64.
elf_machine() {
  dpkg-deb --fsys-tarfile "$1" 2>/dev/null | tar -xO "./usr/bin/$NAME" 2>/dev/null |
    od -An -tu2 -j18 -N2 | tr -d ' '
}
for pair in "amd64:$DEB_AMD64:62" "arm64:$DEB_ARM64:183"; do
  IFS=: read -r arch deb machine <<<"$pair"
  check "$arch: $deb exists" test -s "$deb"
  [ -s "$deb" ] || continue
  check "$arch: Version $DEB_VERSION (from Cargo.toml)" \
    test "$(dpkg-deb -f "$deb" Version)" = "$DEB_VERSION"
  check "$arch: Architecture $arch" test "$(dpkg-deb -f "$deb" Architecture)" = "$arch"
  check "$arch: Depends names libc6 and passwd" \
    bash -c "dpkg-deb -f '$deb' Depends | grep -q 'libc6 (>= ' && dpkg-deb -f '$deb' Depends | grep -q passwd"
  listing=$(dpkg-deb -c "$deb")
  check "$arch: ships /usr/bin/$NAME (0755, root)" \
    grep -Eq "^-rwxr-xr-x root/root .* \./usr/bin/$NAME\$" <<<"$listing"
  check "$arch: / and /usr in the package are 0755" \
    bash -c "grep -Eq '^drwxr-xr-x root/root .* \./\$' <<<\"\$1\" && grep -Eq '^drwxr-xr-x root/root .* \./usr/\$' <<<\"\$1\"" _ "$listing"
  check "$arch: ships the systemd unit" \
    grep -q "\./usr/lib/systemd/system/$NAME.service\$" <<<"$listing"
  check "$arch: the binary is for $arch (ELF machine $machine)" test "$(elf_machine "$deb")" = "$machine"
  info=$(dpkg-deb -I "$deb")
  check "$arch: postinst, prerm, postrm present" \
    bash -c "grep -q ' postinst ' <<<\"\$1\" && grep -q ' prerm ' <<<\"\$1\" && grep -q ' postrm ' <<<\"\$1\"" _ "$info"
done

# ---------------------------------------------------------------- 3. arm64 under qemu
# Waits for "à l'écoute sur http://ADDR" in a log file; prints ADDR.
listen_addr() {
  local log=$1
  for _ in $(seq 1 300); do
    if grep -q "écoute sur http://" "$log" 2>/dev/null; then
      grep -o "écoute sur http://[^ ]*" "$log" | head -n1 | sed 's|.*http://||'
      return 0
    fi
    sleep 0.2
  done
  return 1
}
status_ok() { # URL: /status answers "running" with our version
  local body
  body=$(curl -fsS --max-time 10 "$1/status") || return 1
  grep -q '"status":"running"' <<<"$body" && grep -q "\"version\":\"$CARGO_VERSION\"" <<<"$body"
}

echo "== arm64 binary under qemu-user"
QEMU=$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)
if [ -z "$QEMU" ] || [ ! -s "$DEB_ARM64" ]; then
  fail "qemu-aarch64 and the arm64 package are there"
else
  ARMDIR=$(mktemp -d)
  dpkg-deb -x "$DEB_ARM64" "$ARMDIR/root"
  export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
  check "arm64: --version under qemu prints $CARGO_VERSION" \
    bash -c "'$QEMU' '$ARMDIR/root/usr/bin/$NAME' --version | grep -q ' $CARGO_VERSION\$'"
  "$QEMU" "$ARMDIR/root/usr/bin/$NAME" --data-dir "$ARMDIR/data" serve --host 127.0.0.1 --port 0 \
    >"$ARMDIR/out.log" 2>"$ARMDIR/err.log" &
  ARMPID=$!
  if addr=$(listen_addr "$ARMDIR/err.log"); then
    pass "arm64: serve under qemu prints its address ($addr) on stderr"
    check "arm64: GET /status under qemu" status_ok "http://$addr"
  else
    fail "arm64: serve under qemu prints its address on stderr"
    sed 's/^/    /' "$ARMDIR/err.log" | tail -n 20
  fi
  kill "$ARMPID" 2>/dev/null
  wait "$ARMPID" 2>/dev/null
  unset QEMU_LD_PREFIX
  rm -rf "$ARMDIR"
fi

# ---------------------------------------------------------------- 4. install test in a chroot
echo "== install, start, /status, remove, purge in a debootstrap root"
# Suite and mirror: the host's own (this test runs on Debian), read from its apt sources;
# DEB_TEST_MIRROR overrides the mirror.
SUITE=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
MIRROR=${DEB_TEST_MIRROR:-$(grep -hs -E '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources \
  /etc/apt/sources.list.d/*.list /etc/apt/sources.list | grep -v -e security -e '\[' | head -n1 | awk '{print $2}')}
ROOTFS_TAR="$CACHE/$SUITE-minbase.tar"
ROOT=""
PROC_MOUNTED=""
NSPAWN_PID=""
cleanup_root() {
  if [ -n "$NSPAWN_PID" ]; then
    # SIGTERM = clean shutdown of the container; a second one ends it at once.
    kill "$NSPAWN_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.2; done
    kill "$NSPAWN_PID" 2>/dev/null
    wait "$NSPAWN_PID" 2>/dev/null
    NSPAWN_PID=""
  fi
  [ -n "$PROC_MOUNTED" ] && umount "$ROOT/proc" 2>/dev/null
  PROC_MOUNTED=""
  [ -n "$ROOT" ] && [ -d "$ROOT" ] && rm -rf --one-file-system "$ROOT"
  ROOT=""
}
trap cleanup_root EXIT INT TERM

make_rootfs() {
  # minbase plus systemd, so that `systemd-analyze verify` can read the unit and the
  # maintainer scripts take their deb-systemd-helper path (systemd itself never runs).
  local dir="$CACHE/rootfs.build"
  rm -rf --one-file-system "$dir"
  if ! debootstrap --variant=minbase --include=systemd "$SUITE" "$dir" "$MIRROR" \
    >"$CACHE/debootstrap.log" 2>&1; then
    rm -rf --one-file-system "$dir"
    return 1
  fi
  tar -C "$dir" -cf "$ROOTFS_TAR.tmp" . && mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf --one-file-system "$dir"
}

if [ ! -s "$DEB_AMD64" ]; then
  fail "chroot test: no amd64 package"
elif [ -z "$SUITE" ] || [ -z "$MIRROR" ]; then
  skip "chroot test: no Debian suite/mirror found in /etc/os-release and the apt sources"
elif [ ! -s "$ROOTFS_TAR" ] && ! make_rootfs; then
  skip "chroot test: debootstrap $SUITE from $MIRROR failed (mirror unreachable?); see $CACHE/debootstrap.log:"
  tail -n 5 "$CACHE/debootstrap.log" | sed 's/^/    /'
else
  ROOT=$(mktemp -d "$PWD/$CACHE/root.XXXXXX")
  tar -C "$ROOT" -xf "$ROOTFS_TAR"
  in_root() { chroot "$ROOT" "$@"; }
  cp "$DEB_AMD64" "$ROOT/tmp/pkg.deb"
  UNIT=/usr/lib/systemd/system/$NAME.service

  check "dpkg -i installs the amd64 package" \
    bash -c "chroot '$ROOT' dpkg -i /tmp/pkg.deb >'$CACHE/dpkg-i.log' 2>&1 || { cat '$CACHE/dpkg-i.log'; false; }"
  check "package state is installed" \
    bash -c "chroot '$ROOT' dpkg-query -W -f='\${Status}' $NAME | grep -q 'install ok installed'"
  check "system user $NAME exists, no login shell" \
    bash -c "in=\$(chroot '$ROOT' getent passwd $NAME) && uid=\$(cut -d: -f3 <<<\"\$in\") && [ \"\$uid\" -lt 1000 ] && [[ \"\$in\" == *:/usr/sbin/nologin ]]"
  check "$NAME is in groups lp and dialout" \
    bash -c "g=\$(chroot '$ROOT' id -nG $NAME) && [[ \" \$g \" == *' lp '* ]] && [[ \" \$g \" == *' dialout '* ]]"
  check "data folder /var/lib/$NAME is $NAME:$NAME 0750" \
    test "$(in_root stat -c '%U:%G %a' /var/lib/$NAME 2>/dev/null)" = "$NAME:$NAME 750"
  check "/usr/bin/$NAME runs (--version)" \
    bash -c "chroot '$ROOT' /usr/bin/$NAME --version | grep -q ' $CARGO_VERSION\$'"
  check "unit file installed" test -f "$ROOT$UNIT"
  check "unit: User=$NAME, SupplementaryGroups=lp dialout, Restart=on-failure" \
    bash -c "grep -qx 'User=$NAME' '$ROOT$UNIT' && grep -qx 'SupplementaryGroups=lp dialout' '$ROOT$UNIT' && grep -qx 'Restart=on-failure' '$ROOT$UNIT'"
  check "unit: NoNewPrivileges, ProtectSystem=strict, ReadWritePaths=/var/lib/$NAME" \
    bash -c "grep -qx 'NoNewPrivileges=yes' '$ROOT$UNIT' && grep -qx 'ProtectSystem=strict' '$ROOT$UNIT' && grep -qx 'ReadWritePaths=/var/lib/$NAME' '$ROOT$UNIT'"
  check "unit enabled by postinst (multi-user.target.wants link)" \
    test -L "$ROOT/etc/systemd/system/multi-user.target.wants/$NAME.service"
  # systemd-analyze verify needs /proc; mounted only for it, unmounted by the trap too.
  if mount -t proc proc "$ROOT/proc"; then
    PROC_MOUNTED=1
    # verify exits 0 on an unknown or misspelt key (it only warns): any output fails.
    check "systemd-analyze verify accepts the unit, without a warning" \
      bash -c "chroot '$ROOT' systemd-analyze verify $UNIT >'$CACHE/verify.log' 2>&1 && [ ! -s '$CACHE/verify.log' ] || { cat '$CACHE/verify.log'; false; }"
    umount "$ROOT/proc" && PROC_MOUNTED=""
  else
    fail "mount /proc for systemd-analyze verify"
  fi

  # Start it as the unit would: its ExecStart, as its User with its groups, no new
  # privileges; in a network namespace of our own so its fixed port 22548 cannot
  # collide with anything on this machine. curl runs from the host, in that namespace.
  EXEC=$(sed -n 's/^ExecStart=//p' "$ROOT$UNIT")
  cat >"$ROOT/tmp/start.sh" <<EOF
#!/bin/sh
exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/$NAME LANG=C.UTF-8 \\
  setpriv --reuid=$NAME --regid=$NAME --init-groups --no-new-privs -- $EXEC
EOF
  chmod 0755 "$ROOT/tmp/start.sh"
  # shellcheck disable=SC2016
  if unshare --net bash -c '
      ip link set lo up
      chroot "$1" /tmp/start.sh >"$2/service.out" 2>"$2/service.err" &
      pid=$!
      ok=1
      for _ in $(seq 1 100); do
        if body=$(curl -fsS --max-time 5 http://127.0.0.1:22548/status 2>/dev/null); then
          echo "$body" >"$2/status.json"
          ok=0
          break
        fi
        sleep 0.2
      done
      ps -o uid= -p "$pid" | tr -d " " >"$2/service.uid" 2>/dev/null
      kill "$pid"; wait "$pid"
      exit $ok' _ "$ROOT" "$PWD/$CACHE"; then
    pass "service (ExecStart as $NAME) answers GET /status on port 22548"
  else
    fail "service (ExecStart as $NAME) answers GET /status on port 22548"
    tail -n 20 "$CACHE/service.err" | sed 's/^/    /'
  fi
  check "the service process ran as $NAME" \
    test "$(cat "$CACHE/service.uid" 2>/dev/null)" = "$(in_root id -u $NAME)"
  check "/status says running, version $CARGO_VERSION" \
    bash -c "grep -q '\"status\":\"running\"' '$CACHE/status.json' && grep -q '\"version\":\"$CARGO_VERSION\"' '$CACHE/status.json'"
  check "the service wrote config.ini and its log as $NAME" \
    bash -c "[ \"\$(chroot '$ROOT' stat -c %U /var/lib/$NAME/config.ini)\" = $NAME ] && [ -n \"\$(chroot '$ROOT' find /var/lib/$NAME/logs -type f -user $NAME)\" ]"
  check "the service log has the start line" \
    bash -c "cat '$ROOT'/var/lib/$NAME/logs/* | grep -q 'écoute sur http://0.0.0.0:22548'"

  # The README's diagnostic commands, as the service user on its data folder.
  # The environment systemd gives a service, not this shell's (whose PATH may name
  # folders the service user cannot read).
  SERVICE_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "HOME=/var/lib/$NAME" LANG=C.UTF-8)
  as_user() { in_root "${SERVICE_ENV[@]}" setpriv --reuid=$NAME --regid=$NAME --init-groups -- "$@"; }
  check "README: 'printers' as $NAME on /var/lib/$NAME" \
    as_user /usr/bin/$NAME --data-dir /var/lib/$NAME printers
  check "README: 'open-drawer' as $NAME (virtual printer)" \
    bash -c "chroot '$ROOT' ${SERVICE_ENV[*]} setpriv --reuid=$NAME --regid=$NAME --init-groups -- /usr/bin/$NAME --data-dir /var/lib/$NAME open-drawer | grep -q 'Tiroir-caisse ouvert'"
  UID_BEFORE=$(in_root id -u $NAME)
  check "dpkg -i again (upgrade path: prerm upgrade, postinst configure OLD) succeeds" \
    bash -c "chroot '$ROOT' dpkg -i /tmp/pkg.deb >'$CACHE/dpkg-i2.log' 2>&1 || { cat '$CACHE/dpkg-i2.log'; false; }"
  check "after reinstall: same user, config.ini kept, folder still 0750" \
    bash -c "[ \"\$(chroot '$ROOT' id -u $NAME)\" = '$UID_BEFORE' ] && [ -f '$ROOT/var/lib/$NAME/config.ini' ] && [ \"\$(stat -c %a '$ROOT/var/lib/$NAME')\" = 750 ]"
  check "the package did not change the mode of / (0755)" test "$(stat -c %a "$ROOT/")" = 755

  check "dpkg -r removes the package" bash -c "chroot '$ROOT' dpkg -r $NAME >/dev/null 2>&1"
  check "after remove: binary and unit gone" \
    bash -c "[ ! -e '$ROOT/usr/bin/$NAME' ] && [ ! -e '$ROOT$UNIT' ]"
  check "after remove: data folder and user kept" \
    bash -c "[ -f '$ROOT/var/lib/$NAME/config.ini' ] && chroot '$ROOT' getent passwd $NAME >/dev/null"
  check "dpkg -P purges the package" bash -c "chroot '$ROOT' dpkg -P $NAME >/dev/null 2>&1"
  check "after purge: data folder removed" test ! -e "$ROOT/var/lib/$NAME"
  check "after purge: user and group removed" \
    bash -c "! chroot '$ROOT' getent passwd $NAME >/dev/null && ! chroot '$ROOT' getent group $NAME >/dev/null"
  check "after purge: no enable link left" \
    bash -c "[ ! -e '$ROOT/etc/systemd/system/multi-user.target.wants/$NAME.service' ] && [ ! -L '$ROOT/etc/systemd/system/$NAME.service' ]"
  check "after purge: dpkg forgets the package" \
    bash -c "! chroot '$ROOT' dpkg-query -W $NAME >/dev/null 2>&1"
  cleanup_root
fi

# ---------------------------------------------------------------- 5. under a running systemd
# The same root booted with systemd as PID 1 (systemd-nspawn, private network): dpkg -i
# with systemd running must enable and start the unit, the hardening must really apply
# (read-only /, writable data folder, no new privileges, groups), Restart=on-failure
# must bring a killed service back, and dpkg -r must stop it.
echo "== install, start, restart, remove, purge under a booted systemd (systemd-nspawn)"
if [ ! -s "$DEB_AMD64" ] || [ ! -s "$ROOTFS_TAR" ]; then
  skip "systemd test: needs the amd64 package and the debootstrap root (see above)"
elif ! command -v systemd-nspawn >/dev/null; then
  skip "systemd test: systemd-nspawn not installed (apt-get install systemd-container)"
else
  ROOT=$(mktemp -d "$PWD/$CACHE/root.XXXXXX")
  tar -C "$ROOT" -xf "$ROOTFS_TAR"
  # Not /tmp: the booted container mounts a fresh tmpfs there.
  cp "$DEB_AMD64" "$ROOT/root/pkg.deb"
  # --register=no --keep-unit: no machined or D-Bus needed on the host.
  systemd-nspawn --quiet --boot --register=no --keep-unit --private-network \
    -D "$ROOT" --console=pipe >"$CACHE/nspawn.log" 2>&1 </dev/null &
  NSPAWN_PID=$!
  INIT=""
  for _ in $(seq 1 150); do
    INIT=$(ps -o pid= --ppid "$NSPAWN_PID" 2>/dev/null | head -n1 | tr -d ' ')
    if [ -n "$INIT" ]; then
      state=$(nsenter -t "$INIT" -a systemctl is-system-running 2>/dev/null)
      case "$state" in running | degraded) break ;; esac
    fi
    kill -0 "$NSPAWN_PID" 2>/dev/null || break
    sleep 0.2
  done
  if [ -z "$INIT" ] || ! nsenter -t "$INIT" -a systemctl is-system-running 2>/dev/null | grep -Eq 'running|degraded'; then
    skip "systemd test: the container did not boot here (systemd-nspawn needs a privileged root); last lines:"
    tail -n 5 "$CACHE/nspawn.log" | sed 's/^/    /'
  else
    in_ct() { nsenter -t "$INIT" -a "$@"; }
    svc_status() { nsenter -t "$INIT" -n curl -fsS --max-time 5 http://127.0.0.1:22548/status 2>/dev/null; }
    wait_status() {
      for _ in $(seq 1 100); do
        svc_status | grep -q '"status":"running"' && return 0
        sleep 0.2
      done
      return 1
    }
    main_pid() { in_ct systemctl show -P MainPID $NAME.service; }

    if in_ct dpkg -i /root/pkg.deb >"$CACHE/dpkg-i-systemd.log" 2>&1; then
      pass "systemd: dpkg -i with systemd running"
    else
      # Everything below would pass or fail for the wrong reason: stop here.
      fail "systemd: dpkg -i with systemd running"
      sed 's/^/    /' "$CACHE/dpkg-i-systemd.log"
      cleanup_root
      finish
    fi
    check "systemd: the unit is enabled" in_ct systemctl --quiet is-enabled $NAME.service
    check "systemd: postinst started it (active)" in_ct systemctl --quiet is-active $NAME.service
    check "systemd: GET /status on port 22548" wait_status
    PID1=$(main_pid)
    # What the kernel applied to the running service, read from its /proc entry.
    if [ -n "$PID1" ] && [ "$PID1" != 0 ]; then
      check "systemd: service runs as $NAME" \
        test "$(in_ct stat -c %U "/proc/$PID1")" = "$NAME"
      check "systemd: service has groups lp (7) and dialout (20)" \
        bash -c "g=\$(nsenter -t $INIT -a grep '^Groups:' /proc/$PID1/status | tr -s '[:space:]' ' ') && [[ \"\$g \" == *' 7 '* ]] && [[ \"\$g \" == *' 20 '* ]]"
      check "systemd: NoNewPrivs and no capabilities" \
        bash -c "st=\$(nsenter -t $INIT -a cat /proc/$PID1/status) && grep -q '^NoNewPrivs:[[:space:]]*1' <<<\"\$st\" && grep -q '^CapBnd:[[:space:]]*0000000000000000' <<<\"\$st\""
      # mountinfo: field 5 is the mount point, field 6 its options.
      check "systemd: / is read-only for the service (ProtectSystem=strict)" \
        bash -c "nsenter -t $INIT -a awk '\$5 == \"/\" {print \$6}' /proc/$PID1/mountinfo | tail -n1 | grep -q '^ro'"
      check "systemd: /var/lib/$NAME is writable for the service" \
        bash -c "nsenter -t $INIT -a awk '\$5 == \"/var/lib/$NAME\" {print \$6}' /proc/$PID1/mountinfo | tail -n1 | grep -q '^rw'"
      in_ct bash -c "kill -9 $PID1" # minbase has no kill binary
      restarted=1
      for _ in $(seq 1 50); do
        p=$(main_pid)
        if [ -n "$p" ] && [ "$p" != 0 ] && [ "$p" != "$PID1" ] && svc_status >/dev/null; then
          restarted=0
          break
        fi
        sleep 0.2
      done
      check "systemd: killed with SIGKILL, Restart=on-failure brings it back" test "$restarted" = 0
    else
      fail "systemd: the service has a main PID"
    fi
    # The README's recipe for an invoice download folder under /home (ProtectHome=read-only
    # plus a ReadWritePaths= drop-in): writable for the service, the rest of /home not
    # (/home has its own read-only mount, or none and then lies on the read-only /).
    DL="/home/caisse/Téléchargements"
    DROPIN="/etc/systemd/system/$NAME.service.d"
    mkdir -p "$ROOT$DL" "$ROOT$DROPIN"
    printf '[Service]\nReadWritePaths=%s\n' "$DL" >"$ROOT$DROPIN/override.conf"
    in_ct systemctl daemon-reload
    in_ct systemctl restart $NAME.service
    # Type=simple: restart returns once forked, before the sandbox is set up; the
    # answering service is past that.
    check "systemd: answers /status after the restart" wait_status
    PID2=$(main_pid)
    # mount_opts PID PATH: options of the last mount at PATH in PID's mount namespace.
    mount_opts() { in_ct cat "/proc/$1/mountinfo" | awk -v p="$2" '$5 == p {o = $6} END {print o}'; }
    download_folder_ok() {
      local home
      home=$(mount_opts "$PID2" /home)
      [ -n "$home" ] || home=$(mount_opts "$PID2" /)
      [[ "$(mount_opts "$PID2" "$DL")" == rw* ]] && [[ "$home" == ro* ]]
    }
    check "systemd: with the download-folder drop-in, that folder is writable, /home is not" \
      download_folder_ok
    rm -rf "$ROOT$DROPIN"
    in_ct systemctl daemon-reload

    PID3=$(main_pid)
    check "systemd: dpkg -i again (upgrade) restarts the enabled service" \
      bash -c "nsenter -t $INIT -a dpkg -i /root/pkg.deb >/dev/null 2>&1 && p=\$(nsenter -t $INIT -a systemctl show -P MainPID $NAME.service) && [ \"\$p\" != 0 ] && [ \"\$p\" != '$PID3' ]"
    check "systemd: answers /status after the upgrade" wait_status
    check "systemd: dpkg -r stops the service" \
      bash -c "nsenter -t $INIT -a dpkg -r $NAME >/dev/null 2>&1 && ! nsenter -t $INIT -a systemctl --quiet is-active $NAME.service && ! nsenter -t $INIT -n curl -fsS --max-time 2 http://127.0.0.1:22548/status >/dev/null 2>&1"
    check "systemd: dpkg -P purges data folder and user" \
      bash -c "nsenter -t $INIT -a dpkg -P $NAME >/dev/null 2>&1 && [ ! -e '$ROOT/var/lib/$NAME' ] && ! nsenter -t $INIT -a getent passwd $NAME >/dev/null"
    check "systemd: no unit state left after purge" \
      bash -c "! nsenter -t $INIT -a systemctl cat $NAME.service >/dev/null 2>&1 && [ -z \"\$(find '$ROOT/etc/systemd/system' -name '$NAME*')\" ]"
  fi
  cleanup_root
fi

finish
