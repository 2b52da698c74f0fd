#!/bin/sh
# test-data.sh - the files of data/: systemd accepts vesseld.service
# and the socket units without complaint, sysusers.d creates group vessel
# (and no account for VMs: they run as per-VM ids), tmpfiles.d creates the
# daemon's directories with their modes (RUN/domains the daemon's alone),
# dbus-daemon loads the bus policy, the contract XML is well-formed.
. "$top_srcdir/tests/lib/tap.sh"

tap_plan 6
tmp=$(mktemp -d)
busp=
trap '[ -n "$busp" ] && kill $busp 2>/dev/null; rm -rf "$tmp"' EXIT
data=$top_srcdir/data

# 1. the unit (ExecStart pointed at the build tree, which exists)
if command -v systemd-analyze >/dev/null 2>&1; then
    sed "s|^ExecStart=[^ ]*|ExecStart=$top_builddir/daemon/vesseld|" \
        "$top_builddir/data/vesseld.service" > "$tmp/vesseld.service"
    out=$(systemd-analyze verify --man=no "$tmp/vesseld.service" 2>&1)
    rc=$?
    [ -n "$out" ] && { printf '%s\n' "$out" | sed 's/^/# /'; rc=1; }
    grep -q '^KillMode=process$' "$tmp/vesseld.service" || rc=1
    grep -q '^Type=notify$' "$tmp/vesseld.service" || rc=1
    tap_ok $rc "systemd-analyze verify accepts vesseld.service"
else
    echo "ok 1 - systemd-analyze verify accepts vesseld.service # SKIP no systemd-analyze"
    _tap_n=1
fi

# 2. the optional socket units, next to the service they activate
# ($tmp/vesseld.service from 1)
if command -v systemd-analyze >/dev/null 2>&1 && [ -f "$tmp/vesseld.service" ]; then
    cp "$data/vesseld.socket" "$data/vesseld-ro.socket" "$tmp/"
    out=$(cd "$tmp" && systemd-analyze verify --man=no vesseld.socket vesseld-ro.socket 2>&1)
    rc=$?
    [ -n "$out" ] && { printf '%s\n' "$out" | sed 's/^/# /'; rc=1; }
    grep -q '^ListenStream=/run/vessel/vessel-sock$' "$tmp/vesseld.socket" || rc=1
    grep -q '^ListenStream=/run/vessel/vessel-sock-ro$' "$tmp/vesseld-ro.socket" || rc=1
    tap_ok $rc "systemd-analyze verify accepts vesseld.socket and vesseld-ro.socket"
else
    echo "ok 2 - socket units # SKIP no systemd-analyze or no service"
    _tap_n=2
fi

# 3+4. sysusers and tmpfiles into a scratch root
if command -v systemd-sysusers >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    mkdir -p "$tmp/root/etc"
    systemd-sysusers --root="$tmp/root" "$data/vessel.sysusers.conf" >/dev/null 2>&1
    rc=$?
    grep -q '^vessel:' "$tmp/root/etc/group" || rc=1
    ! grep -q '^vessel-vm:' "$tmp/root/etc/passwd" 2>/dev/null || rc=1
    tap_ok $rc "sysusers.d creates group vessel (and no VM account)"
    systemd-tmpfiles --root="$tmp/root" --create "$top_builddir/data/vessel.tmpfiles.conf" >/dev/null 2>&1
    rc=$?
    [ "$(stat -c '%a %u %g' "$tmp/root/run/vessel/domains")" = "700 0 0" ] || rc=1
    [ "$(stat -c '%a' "$tmp/root$sysconfdir/vessel/domains")" = "700" ] || rc=1
    [ "$(stat -c '%a' "$tmp/root$localstatedir/log/vessel/domains")" = "750" ] || rc=1
    [ "$(stat -c '%a' "$tmp/root$localstatedir/lib/vessel")" = "755" ] || rc=1
    tap_ok $rc "tmpfiles.d creates the daemon's directories ($sysconfdir/vessel, $localstatedir/{lib,log}/vessel)"
else
    echo "ok 3 - sysusers.d entries # SKIP needs root and systemd-sysusers"
    echo "ok 4 - tmpfiles.d entries # SKIP needs root and systemd-tmpfiles"
    _tap_n=4
fi

# 5. dbus-daemon accepts the policy file
cat > "$tmp/bus.conf" <<EOB
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$tmp/bus.sock</listen>
  <auth>EXTERNAL</auth>
  <include>$data/org.vessel.Vessel1.conf</include>
</busconfig>
EOB
"${DBUS_DAEMON:-dbus-daemon}" --config-file="$tmp/bus.conf" --nofork --nopidfile \
    > "$tmp/bus.log" 2>&1 &
busp=$!
wait_until 10 test -S "$tmp/bus.sock"
rc=$?
grep -v 'fd limit' "$tmp/bus.log" | grep -i 'error\|fail' && rc=1
kill $busp 2>/dev/null
tap_ok $rc "dbus-daemon loads the org.vessel.Vessel1 policy"

# 6. the contract is well-formed XML
tap_check "introspection XML is well-formed" \
    "${XMLLINT:-xmllint}" --noout "$data/dbus/org.vessel.Manager1.xml" \
    "$data/dbus/org.vessel.Domain1.xml" "$data/dbus/org.vessel.Network1.xml"

tap_done
