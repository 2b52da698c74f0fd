#!/bin/sh
# test-accel-agree.sh - vessel-vmm --accel auto, the daemon's
# capabilities and vessel-ok make one decision (common/host_kvm.c) and
# give the same reason, on fake hosts ($VESSEL_HOST_ROOT: PVM, VT-x without /dev/kvm, no
# VT at all, a /dev/kvm this user may not open, an unknown kind, a fake
# device) and on this host.
. "$top_srcdir/tests/lib/tap.sh"

VSH="$top_builddir/shell/vsh"
VESSELD="$top_builddir/daemon/vesseld"
VMM="$top_builddir/vmm/vessel-vmm"
OK="$top_builddir/shell/vessel-ok"
HELLO="$top_builddir/tests/vmm/guests/hello.elf"
[ -x "$VESSELD" ] || tap_skip_all "daemon/vesseld not built"
[ -f "$HELLO" ] || tap_skip_all "tests/vmm/guests/hello.elf not built"

T=$(mktemp -d "${TMPDIR:-/tmp}/vessel-accel.XXXXXX") || exit 1
chmod 755 "$T"
DPID=
cleanup() {
    [ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

# mkhost DIR FLAG PVM DEVMODE: a fake host (FLAG vmx/svm/none, PVM yes/no,
# DEVMODE of a plain-file dev/kvm, or - for none)
mkhost() {
    mkdir -p "$1/proc" "$1/sys/module/kvm" "$1/dev"
    printf 'processor\t: 0\nflags\t\t: fpu sse2 %s lm\n' "$2" > "$1/proc/cpuinfo"
    [ "$3" = yes ] && mkdir -p "$1/sys/module/kvm_pvm"
    if [ "$4" != - ]; then : > "$1/dev/kvm"; chmod "$4" "$1/dev/kvm"; fi
    chmod -R a+rX "$1"
}

# vmm_reason ROOT [PREFIX...]: the reason vessel-vmm --accel auto gives for
# using dbt ("kvm" when it picked KVM), from its one stderr line
vmm_reason() {
    _root=$1; shift
    VESSEL_HOST_ROOT=$_root "$@" "$VMM" --kernel "$HELLO" --accel auto --memory 64 \
        --serial "file:/dev/null" </dev/null >/dev/null 2>"$T/vmm.err"
    _rc=$?
    if [ $_rc -ne 0 ] || [ "$(wc -l < "$T/vmm.err")" -ne 1 ]; then
        echo "# vessel-vmm exit $_rc:"; sed 's/^/#   /' "$T/vmm.err"; echo "?"; return
    fi
    sed -n -e 's/^vessel-vmm: using dbt (KVM cannot be used: \(.*\))$/\1/p' \
        -e 's/^vessel-vmm: using kvm (.*)$/kvm/p' "$T/vmm.err"
}

# caps_reason ROOT: the reason in a fresh daemon's <accelerator name='kvm'>
# ("kvm" when usable), the daemon running with VESSEL_HOST_ROOT=ROOT
caps_reason() {
    _d=$T/daemon; rm -rf "$_d"; mkdir -p "$_d/cfg" "$_d/run" "$_d/log" "$_d/state"
    printf '[paths]\nconfig_dir=%s/cfg\nrun_dir=%s/run\nlog_dir=%s/log\nstate_dir=%s/state\n[sockets]\ngroup=\n[dbus]\nsystem_bus=false\n' \
        "$_d" "$_d" "$_d" "$_d" > "$_d/vesseld.conf"
    VESSEL_HOST_ROOT=$1 VESSEL_VMM=$VMM "$VESSELD" --config "$_d/vesseld.conf" > "$_d/vesseld.log" 2>&1 &
    DPID=$!
    if ! wait_until 30 test -S "$_d/run/vessel-sock"; then
        sed 's/^/#   /' "$_d/vesseld.log"; echo "?"; return
    fi
    "$VSH" -c "vessel+unix://$_d/run/vessel-sock" capabilities > "$_d/caps" 2>&1
    kill "$DPID"; wait "$DPID" 2>/dev/null; DPID=
    grep -q "<accelerator name='kvm' usable='yes'/>" "$_d/caps" && { echo kvm; return; }
    sed -n "s/.*<accelerator name='kvm' usable='no' reason='\(.*\)'\/>.*/\1/p" "$_d/caps" |
        sed -e "s/&#39;/'/g" -e "s/&apos;/'/g" -e 's/&quot;/"/g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
}

# ok_reason ROOT [PREFIX...]: the reason vessel-ok gives for Vessel using
# dbt ("kvm" when it says KVM), from its "INFO: Vessel runs" line (or the
# "INFO: KVM: absent" line that line leaves the reason to)
ok_reason() {
    _root=$1; shift
    VESSEL_HOST_ROOT=$_root "$@" "$OK" > "$T/ok.out" 2>&1
    grep -q '^INFO: Vessel runs guests under KVM' "$T/ok.out" && { echo kvm; return; }
    _r=$(sed -n 's/^INFO: Vessel runs ordinary guests on its software CPU, dbt (--accel auto): //p' "$T/ok.out")
    [ -n "$_r" ] || _r=$(sed -n 's/^INFO: KVM: absent (\(.*\))$/\1/p' "$T/ok.out")
    echo "${_r:-?}"
}

# agree DESC ROOT WANT: vessel-vmm, the daemon and vessel-ok all give a
# reason containing WANT (or all "kvm")
agree() {
    _v=$(vmm_reason "$2"); _c=$(caps_reason "$2"); _o=$(ok_reason "$2")
    _ok=0
    [ "$_v" = "$_c" ] && [ "$_v" = "$_o" ] || _ok=1
    case $_v in *"$3"*) ;; *) _ok=1 ;; esac
    [ $_ok -eq 0 ] || printf '# vessel-vmm: %s\n# daemon:     %s\n# vessel-ok:  %s\n# wanted:     %s\n' \
        "$_v" "$_c" "$_o" "$3"
    tap_ok $_ok "$1"
}

tap_plan 8

mkhost "$T/pvm" none yes 0666
agree "PVM host: dbt, because PVM runs only PVM-enabled kernels" "$T/pvm" \
    "/dev/kvm is PVM (kvm_pvm), which runs only PVM-enabled guest kernels"
mkhost "$T/vmx-nodev" vmx no -
agree "VT-x without /dev/kvm: dbt, names kvm_intel" "$T/vmx-nodev" \
    "/dev/kvm does not exist (is the kvm_intel module loaded"
mkhost "$T/none" none no -
agree "no VT, no /dev/kvm: dbt" "$T/none" "/dev/kvm does not exist and the CPU has no VT-x/AMD-V"
mkhost "$T/unknown" none no 0666
agree "/dev/kvm without VT-x/AMD-V or kvm_pvm: dbt, unknown kind" "$T/unknown" "unknown kind of KVM"
mkhost "$T/fake" svm no 0666
agree "AMD-V with a /dev/kvm that is no KVM device: dbt" "$T/fake" "/dev/kvm is not a KVM device"

# A /dev/kvm this user may not open (as nobody when we are root).
mkhost "$T/denied" vmx no 0600
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    as="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
    as=; chmod 0 "$T/denied/dev/kvm"
fi
r=$(vmm_reason "$T/denied" $as); o=$(ok_reason "$T/denied" $as)
case $r in "permission denied opening /dev/kvm ("*) ok=0 ;; *) ok=1 ;; esac
[ "$r" = "$o" ] || ok=1
[ $ok -eq 0 ] || printf '# vessel-vmm: %s\n# vessel-ok:  %s\n' "$r" "$o"
tap_ok $ok "/dev/kvm this user may not open: dbt, permission denied (vessel-vmm, vessel-ok)"

# This host, as it is: both pick the same.
v=$(vmm_reason ""); c=$(caps_reason ""); o=$(ok_reason "")
[ "$v" = "$c" ] && [ "$v" = "$o" ] && [ "$v" != "?" ] && [ -n "$v" ]
tap_ok $? "this host: vessel-vmm, the daemon and vessel-ok agree ($v)"
if [ -e /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    [ "$v" = kvm ]; tap_ok $? "this host has hardware KVM: auto picks it"
else
    [ "$v" != kvm ]; tap_ok $? "this host has no hardware KVM (or cannot open it): auto picks dbt"
fi
tap_done
