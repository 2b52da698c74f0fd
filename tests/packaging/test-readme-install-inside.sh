#!/bin/sh
# test-readme-install-inside.sh - test-readme-install.sh's steps, run in the
# booted test root by a oneshot service: README.md's build-tree install
# commands (/root/install) as root, its first-VM commands (/root/firstvm)
# with its domain XML (/root/first.xml) as a member of the group, its
# uninstall commands (/root/uninstall), with the checks in between.
# `make install` / `make uninstall` stand for copying the files of
# /root/stage to / and removing them (see test-readme-install.sh).  Writes TAP
# to /root/result.tap, its count of failures to /root/result.rc, with
# pkgroot.sh's helpers (ok, check, wait_for, pkgroot_snapshot).
. /root/pkgroot.sh
pkgroot_tap_begin
export LC_ALL=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Every file but the ones that change anyway.
snapshot() {
    pkgroot_snapshot -f /run /var/lib/systemd /etc/.pwd.lock /var/lib/private
}
# step LINE: one README command as root, `make (un)install` as copying or
# removing the staged tree's files.  File by file, into directories made
# as install -d makes them: tar would touch the modes of existing
# directories (/, /usr...) while it runs, and a daemon that reloads
# meanwhile (dbus-daemon, on the new policy) fails to read its own files.
step() {
    case $1 in
    "make install")
        (cd /root/stage && find . ! -type d) | while IFS= read -r f; do
            f=${f#.}
            mkdir -p "${f%/*}" && cp -P --preserve=mode,timestamps "/root/stage$f" "$f" || exit 1
        done ;;
    "make uninstall") xargs rm -f < /root/installed ;;
    *) sh -c "$1" ;;
    esac
}
U=alice
useradd -m -s /bin/sh "$U"
snapshot > /root/before.list

# ---- install ---------------------------------------------------------------------
r=0
while IFS= read -r c; do
    o=$(USER=$U step "$c" 2>&1) || { r=1; echo "# failed: $c"; printf '%s\n' "$o" | sed 's/^/#   /'; }
done < /root/install
ok $r "the README's install commands succeed: $(tr '\n' ';' < /root/install)"
check "systemd-sysusers made the group vessel" getent group vessel
check "$U is in group vessel (a new login)" sh -c "id -nG $U | tr ' ' '\n' | grep -qx vessel"
check "vesseld.service is active" systemctl is-active vesseld.service
wait_for 20 test -S /run/vessel/vessel-sock
check "/run/vessel/vessel-sock is root:vessel 0660" \
    sh -c '[ "$(stat -c "%U:%G %a" /run/vessel/vessel-sock)" = "root:vessel 660" ] || stat -c "%U:%G %a" /run/vessel/vessel-sock | grep x'
check "$U's vsh -c vessel:///system list --all works (read-write socket)" \
    runuser -u $U -- vsh -c vessel:///system list --all

# ---- the first VM --------------------------------------------------------------------
mkdir -p /var/lib/vessel/images
install -m 644 /root/idle.elf /var/lib/vessel/images/vmlinuz
printf 'not an initramfs the tiny guest reads\n' > /var/lib/vessel/images/initrd.img
chmod 644 /var/lib/vessel/images/initrd.img
type=kvm
vessel-ok > /root/ok.out 2>&1 || type=dbt
echo "# vessel-ok: $(head -n 1 /root/ok.out); the domain type: $type"
H=/home/$U
sed "s|<domain type='kvm'>|<domain type='$type'>|" /root/first.xml > $H/first.xml
chown $U $H/first.xml
# the commands as one shell script of the user, each line's status noted;
# a --console line gets the terminal of script(1), types, then ^]
{
    echo 'cd "$HOME"'
    sed -e 's/[[:space:]]*#.*$//' -e '/^$/d' /root/firstvm | while IFS= read -r c; do
        case $c in
        *--console*)
            printf '(sleep 3; printf hello-readme; sleep 4; printf "\\035"; sleep 2) | script -qec %s /dev/null > console.out 2>&1\n' "'$c'" ;;
        *) printf '%s > out.%s 2>&1\n' "$c" "$(echo "$c" | tr -c 'a-z' _)" ;;
        esac
        printf 'echo "@@ $? %s"\n' "$c"
    done
} > $H/steps.sh
runuser -l $U -c "sh $H/steps.sh" > /root/steps.out 2>&1
r=0
grep '^@@ ' /root/steps.out | grep -v '^@@ 0 ' && r=1
[ "$(grep -c '^@@ ' /root/steps.out)" -ge 4 ] || r=1
[ $r -eq 0 ] || { sed 's/^/#   /' /root/steps.out; tail -n +1 $H/out.* $H/console.out | sed 's/^/#   /'; }
ok $r "the README's first-VM commands succeed as $U: $(sed -e 's/[[:space:]]*#.*$//' -e '/^$/d' /root/firstvm | tr '\n' ';')"
check "the console showed the guest's echo" grep -q hello-readme $H/console.out
check "'vsh list --all' showed first running" grep -Eq '^ *[0-9]+ +first +running' $H/out.vsh_list___all_
wait_for 60 sh -c '[ "$(vsh -c vessel:///system domstate first)" = "shut off" ]'
check "'vsh shutdown first' left it shut off (shutdown)" \
    sh -c '[ "$(vsh -c vessel:///system domstate --reason first)" = "shut off (shutdown)" ] || vsh -c vessel:///system domstate --reason first | grep x'
check "the console's traffic is in /var/log/vessel/domains/first.log" \
    grep -q hello-readme /var/log/vessel/domains/first.log
check "the daemon ran the installed vessel-vmm (under /usr/local)" \
    sh -c 'grep -h "starting up:" /var/log/vessel/domains/first.log | tail -n 1 | grep /usr/local/'
check "journalctl -u vesseld has the daemon's log" sh -c 'journalctl -q -u vesseld | grep -q .'
# One layout whatever the prefix of the programs (configure.ac): the
# daemon's files are where tmpfiles.d, logrotate.d, dbus-daemon and the
# README look, nothing of it under /usr/local/etc or /usr/local/var.
check "the daemon's definitions are in /etc/vessel" test -f /etc/vessel/domains/first.xml
check "nothing under /usr/local/etc/vessel or /usr/local/var" \
    sh -c '! find /usr/local/etc/vessel /usr/local/var -print 2>/dev/null | grep .'
check "logrotate accepts /etc/logrotate.d/vessel, for /var/log/vessel/domains" \
    sh -c 'logrotate -d /etc/logrotate.d/vessel 2>&1 | grep -q "/var/log/vessel/domains/\*.log"'
check "vesseld owns org.vessel.Vessel1 on the system bus (its policy was found)" \
    busctl --system status org.vessel.Vessel1

# ---- uninstall ----------------------------------------------------------------------
r=0
while IFS= read -r c; do
    o=$(step "$c" 2>&1) || { r=1; echo "# failed: $c"; printf '%s\n' "$o" | sed 's/^/#   /'; }
done < /root/uninstall
ok $r "the README's uninstall commands succeed: $(tr '\n' ';' < /root/uninstall)"
check "make uninstall removes every file make install put" test ! -s /root/not-uninstalled ||
    sed 's/^/#   left by make uninstall: /' /root/not-uninstalled
check "no vesseld runs" sh -c '! pgrep -x vesseld'
snapshot > /root/after.list
comm -13 /root/before.list /root/after.list > /root/new.list
grep -Ev '^/(etc|var/lib|var/log)/vessel(/|$)' /root/new.list > /root/unexpected.list
sed 's/^/# left, as the README says: /' /root/new.list | grep -v -F -f /root/unexpected.list 2>/dev/null | head -n 20
check "uninstall leaves only /etc/vessel, /var/lib/vessel, /var/log/vessel (the README's list)" \
    sh -c '! grep . /root/unexpected.list'
check "and the group vessel, as the README says" getent group vessel

pkgroot_tap_end
