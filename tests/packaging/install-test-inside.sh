#!/bin/sh
# install-test-inside.sh - the install test's steps, run inside the booted
# test root by vessel-install-test.service (install-test.sh sets it up):
# install the .debs in /root/debs with apt as a user would, use them as
# the seed's user does, upgrade in place, remove, reinstall, purge, and
# list what is left.  Writes TAP to /root/result.tap; install-test.sh
# reads it when the container has powered off.  The helpers (ok, check,
# as, wait_for, pkgroot_snapshot) are pkgroot.sh's.
. /root/pkgroot.sh
pkgroot_tap_begin
export LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin
URI=vessel:///system
# Every path but the ones that change anyway (apt's and dpkg's own state).
snapshot() {
    pkgroot_snapshot /var/lib/apt /var/lib/dpkg /var/log/apt /var/log/dpkg.log \
        /var/log/alternatives.log
}
debs=$(ls /root/debs/*.deb)
pkgs=$(for d in $debs; do dpkg-deb -f "$d" Package; done | tr '\n' ' ')
unit_active() { [ "$(systemctl is-active vesseld.service)" = active ]; }
main_pid() { systemctl show -P MainPID vesseld.service; }

echo "# packages: $pkgs"
useradd -m -s /bin/sh alice
useradd -m -s /bin/sh bob
snapshot > /root/before.list

# ---- install ---------------------------------------------------------------
check "apt-get installs the .debs offline (every Depends already in the root)" \
    env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $debs

# The users and groups are whatever the installed sysusers.d file declares.
sysusers=/usr/lib/sysusers.d/vessel.conf
rc=0; what=""
while read -r type name rest; do
    case $type in
        g) getent group "$name" >/dev/null || { echo "# no group $name"; rc=1; }; what="$what group:$name" ;;
        u) getent passwd "$name" >/dev/null || { echo "# no user $name"; rc=1; }; what="$what user:$name" ;;
        m) grp=${rest%% *}
           id -nG "$name" 2>/dev/null | tr ' ' '\n' | grep -qx "$grp" ||
               { echo "# $name is not in $grp"; rc=1; }
           what="$what $name∈$grp" ;;
    esac
done <<EOF
$(grep -v '^[[:space:]]*\(#\|$\)' "$sysusers")
EOF
[ -n "$what" ] || rc=1
ok $rc "sysusers.d's users and groups exist:$what"
getent group vessel >/dev/null
ok $? "group vessel exists"

units="vesseld.service vesseld.socket vesseld-ro.socket"
out=$(cd /lib/systemd/system && systemd-analyze verify $units 2>&1); rc=$?
[ $rc -eq 0 ] && ! printf '%s\n' "$out" | grep -q vesseld
rc=$?; [ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "systemd-analyze verify $units"

check "vesseld.service is enabled" sh -c '[ "$(systemctl is-enabled vesseld.service)" = enabled ]'
# postinst started it through systemd; Type=notify: active means READY=1.
wait_for 60 unit_active
rc=$?; [ $rc -eq 0 ] || { systemctl status vesseld.service; journalctl -b -u vesseld.service; } | sed 's/^/# /'
ok $rc "vesseld.service came up (active after READY=1)"
pid=$(main_pid)
cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)
[ "$cmd" = "/usr/sbin/vesseld --system " ]
rc=$?; [ $rc -eq 0 ] || echo "# MainPID $pid runs '$cmd'"
ok $rc "the unit's main process is /usr/sbin/vesseld --system"
check "rw socket is root:vessel 0660" sh -c '[ "$(stat -c "%U:%G %a" /run/vessel/vessel-sock)" = "root:vessel 660" ]'
check "ro socket is 0666" sh -c '[ "$(stat -c "%a" /run/vessel/vessel-sock-ro)" = 666 ]'
check "vesseld owns org.vessel.Vessel1 on the system bus" busctl --system status org.vessel.Vessel1

# ---- a group member manages, everyone else looks ----------------------------
usermod -aG vessel alice
cat > /tmp/t1.xml <<'EOF'
<domain type='dbt'>
  <name>t1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type>hvm</type>
    <kernel>/srv/vessel-test/idle.elf</kernel>
  </os>
  <devices>
    <serial type='pty'/>
  </devices>
</domain>
EOF
chmod 644 /tmp/t1.xml
check "alice (usermod -aG vessel) can vsh list --all" as alice vsh -c "$URI" list --all
check "alice can define a domain" as alice vsh -c "$URI" define /tmp/t1.xml
out=$(as alice vsh -c "$URI" list --all 2>&1)
printf '%s\n' "$out" | grep -Eq '^ -  +t1 +shut off'
rc=$?; [ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "alice's vsh list --all shows t1 shut off"
check "alice can set autostart (read-write)" as alice vsh -c "$URI" autostart t1
check "alice can unset it again" as alice vsh -c "$URI" autostart --disable t1
# The installed VMM runs t1 (install-test.sh assembled the tiny in-tree
# test guest, tests/vmm/guests/idle.S, into /srv/vessel-test).
state() { as alice vsh -c "$URI" domstate "$1" 2>/dev/null; }
vmm_pid() { for p in /proc/[0-9]*; do [ "$(cat "$p/comm" 2>/dev/null)" = vessel-vmm ] && echo "${p#/proc/}"; done | head -n 1; }
# diag DOMAIN: what the daemon and the VMM said, for a failed check (the
# root and its logs are gone after purge unless VESSEL_TEST_KEEP is set).
diag() {
    { echo "--- /var/log/vessel/domains/$1.log (end):"
      tail -n 25 "/var/log/vessel/domains/$1.log" 2>&1
      echo "--- journalctl -u vesseld.service (end):"
      journalctl -b -q --no-pager -u vesseld.service | tail -n 25
      echo "--- kernel messages (end):"
      dmesg 2>/dev/null | tail -n 5; } | sed 's/^/# /'
}
check "alice can start t1" as alice vsh -c "$URI" start t1 || diag t1
wait_for 30 sh -c '[ "$(runuser -u alice -- vsh -c '"$URI"' domstate t1)" = running ]'
rc=$?; [ $rc -eq 0 ] || diag t1
ok $rc "t1 is running"
vpid=$(vmm_pid)
vuid=$(awk '/^Uid:/ { print $2 }' "/proc/$vpid/status" 2>/dev/null)
[ -n "$vpid" ] && [ -n "$vuid" ] && [ "$vuid" -ne 0 ]
rc=$?; echo "# vessel-vmm pid $vpid runs as uid $vuid ($(getent passwd "$vuid" | cut -d: -f1))"
ok $rc "the VMM does not run as root"
check "t1 has a log in /var/log/vessel/domains" test -s /var/log/vessel/domains/t1.log
check "logrotate accepts /etc/logrotate.d/vessel" logrotate -d /etc/logrotate.d/vessel
out=$(as alice vsh -c "$URI" net-list --all 2>&1)
printf '%s\n' "$out" | grep -Eq '^ default +active +yes +yes'
rc=$?; [ $rc -eq 0 ] || { printf '%s\n' "$out"; journalctl -b -u vesseld.service | tail -n 20; } | sed 's/^/# /'
ok $rc "the default NAT network was defined and autostarted (dnsmasq, nft)"
out=$(as alice vsh -c "$URI" pool-list --all 2>&1)
printf '%s\n' "$out" | grep -Eq '^ default +active +yes' && test -d /var/lib/vessel/images
rc=$?; [ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "the default storage pool (/var/lib/vessel/images) was defined and is active"

out=$(as bob vsh -c "$URI" list --all 2>&1); rc=$?
[ $rc -ne 0 ]
rc=$?; [ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "bob (not in vessel) cannot open the rw socket"
out=$(as bob vsh -r -c "$URI" list --all 2>&1)
printf '%s\n' "$out" | grep -Eq '^ [0-9]+ +t1 +running'
rc=$?; [ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "bob can vsh -r list --all and sees t1 running"
out=$(as bob vsh -r -c "$URI" undefine t1 2>&1); rc=$?
[ $rc -ne 0 ] && as alice vsh -c "$URI" dominfo t1 >/dev/null 2>&1
rc=$?; [ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "bob cannot undefine t1 (refused, t1 still defined)"
# The system bus policy: a write method from bob is stopped by dbus-daemon;
# alice's goes through.
out=$(as bob busctl --system call org.vessel.Vessel1 /org/vessel/Vessel1 \
      org.vessel.Manager1 DefineXML s '<domain/>' 2>&1)
printf '%s\n' "$out" | grep -qi 'access denied\|AccessDenied'
rc=$?; [ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "D-Bus policy: bob's DefineXML is denied on the system bus"
sed 's/>t1</>t2</' /tmp/t1.xml > /tmp/t2.xml
out=$(as alice busctl --system call org.vessel.Vessel1 /org/vessel/Vessel1 \
      org.vessel.Manager1 DefineXML s "$(cat /tmp/t2.xml)" 2>&1)
printf '%s\n' "$out" | grep -q '^o "/org/vessel/Vessel1/domain/' &&
    as alice vsh -c "$URI" undefine t2 >/dev/null 2>&1
rc=$?; [ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "D-Bus policy: alice may DefineXML on the system bus (t2, then undefined)"
out=$(as bob busctl --system call org.vessel.Vessel1 /org/vessel/Vessel1 \
      org.vessel.Manager1 ListDomains u 0 2>&1)
printf '%s\n' "$out" | grep -q '"t1"'
rc=$?; [ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "D-Bus policy: bob may ListDomains on the system bus"

# ---- the other programs -------------------------------------------------------
# vessel-ok as kvm-ok is run (root): a verdict, exit 0 or 1; as a user it
# may ask for root (exit 2) but still reports what it saw.
out=$(vessel-ok 2>&1); rc=$?
[ $rc -le 1 ] && printf '%s\n' "$out" | grep -q '^KVM acceleration can'
rc=$?; [ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "vessel-ok gives a verdict"
out=$(as alice vessel-ok 2>&1); rc=$?
[ $rc -le 2 ] && printf '%s\n' "$out" | grep -q '^INFO: '
rc=$?; [ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "vessel-ok runs as a user"
for page in vsh vessel-ok vessel-vmm vesseld vessel-domain vessel-network vessel-storage; do
    out=$(MANWIDTH=80 man -P cat "$page" 2>&1); rc=$?
    [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^NAME' && printf '%s\n' "$out" | grep -q "$page"
    rc=$?; [ $rc -eq 0 ] || printf '%s\n' "$out" | head -n 5 | sed 's/^/# /'
    ok $rc "man $page renders"
done
out=$(as alice env LC_ALL= LANG=de_DE.UTF-8 vsh -c "$URI" nosuchcommand 2>&1)
printf '%s\n' "$out" | grep -q 'Unbekannter Befehl'
rc=$?; [ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "vsh speaks German under LANG=de_DE.UTF-8"
out=$(as alice env LC_ALL= LANG=C.UTF-8 vsh -c "$URI" nosuchcommand 2>&1)
printf '%s\n' "$out" | grep -q 'unknown command'
ok $? "vsh speaks English under LANG=C.UTF-8"
check "bash completion for vsh loads" \
    bash -c '. /usr/share/bash-completion/completions/vsh && complete -p vsh'
out=$(pkg-config --cflags --libs vessel 2>&1)
[ "$out" != "${out#*-I/usr/include/vessel}" ] && [ "$out" != "${out#*-lvessel}" ]
rc=$?; [ $rc -eq 0 ] || echo "# pkg-config: $out"
ok $rc "libvessel-dev: pkg-config --cflags --libs vessel"

# ---- upgrade in place (same version again), remove, reinstall ----------------
old=$(main_pid)
check "dpkg -i again over the running install (the upgrade path)" \
    env DEBIAN_FRONTEND=noninteractive dpkg -i $debs
wait_for 60 sh -c '[ "$(systemctl is-active vesseld.service)" = active ] && [ "$(systemctl show -P MainPID vesseld.service)" != '"$old"' ]'
ok $? "vesseld was restarted by the upgrade and is active"
check "t1 is still defined after the upgrade" as alice vsh -c "$URI" dominfo t1
[ "$(state t1)" = running ] && [ "$(vmm_pid)" = "$vpid" ]
rc=$?; [ $rc -eq 0 ] || diag t1
ok $rc "t1's VMM ran through the daemon's restart and the new daemon reattached"
check "alice can shut t1 down" as alice vsh -c "$URI" shutdown t1 || diag t1
wait_for 30 sh -c '[ "$(runuser -u alice -- vsh -c '"$URI"' domstate t1)" = "shut off" ]'
rc=$?; [ $rc -eq 0 ] || diag t1
ok $rc "t1 powered off (ACPI power button)"

check "apt-get remove" env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q $pkgs
no_vesseld() { ! grep -qx vesseld /proc/[0-9]*/comm 2>/dev/null; }
check "vesseld is stopped after remove" no_vesseld
check "the definition of t1 survives remove" test -f /etc/vessel/domains/t1.xml
check "/var/lib/vessel survives remove" test -d /var/lib/vessel
check "group vessel survives remove" getent group vessel
check "apt-get install again" \
    env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $debs
wait_for 60 unit_active
ok $? "vesseld is active again"
check "t1 is back, as it was" as alice vsh -c "$URI" dominfo t1

# ---- purge, and what is left ---------------------------------------------------
check "apt-get purge" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $pkgs
for d in /var/lib/vessel /var/log/vessel /run/vessel /etc/vessel/vesseld.conf \
         /etc/vessel/networks /etc/vessel/storage; do
    check "purge removed $d" test ! -e "$d"
done
check "purge kept the user's definition of t1" test -f /etc/vessel/domains/t1.xml
snapshot > /root/after.list
comm -13 /root/before.list /root/after.list > /root/left.list
printf '/etc/vessel\n/etc/vessel/domains\n/etc/vessel/domains/t1.xml\n' > /root/expected-left.list
cmp -s /root/left.list /root/expected-left.list
rc=$?; [ $rc -eq 0 ] || { echo "left after purge (expected only t1's definition):"; cat /root/left.list; } | sed 's/^/# /'
ok $rc "after purge only the user's definition is left ($(wc -l < /root/left.list) paths)"
comm -23 /root/before.list /root/after.list > /root/gone.list
[ ! -s /root/gone.list ]
rc=$?; [ $rc -eq 0 ] || { echo "gone after purge:"; cat /root/gone.list; } | sed 's/^/# /'
ok $rc "purge removed nothing that was there before the install"
echo "# left on purpose: the users and groups the sysusers.d file made ($what), /etc/vessel/domains/t1.xml"

pkgroot_tap_end
