# remote-env.sh - shared set-up for the libvirt client tests (sourced after
# tap.sh): the private vesseld of tests/shell/vsh-env.sh ($T, $URI for vsh,
# v/expect/has/domxml), plus its libvirt sockets as the URIs Debian's
# libvirt clients take:
#   $LURI  qemu+unix:///system?socket=$T/run/libvirt-sock      (read-write)
#   $RURI  qemu+unix:///system?socket=$T/run/libvirt-sock-ro   (read-only)
#   lv URI ARGS...  run virsh (sets $out $err $rc like v)
#   PY     Debian's python3 (python3-libvirt lives there, not in a pyenv)
command -v virsh >/dev/null 2>&1 || tap_unavailable "virsh not installed (Debian package libvirt-clients)"
. "$top_srcdir/tests/shell/vsh-env.sh"

LSOCK="$T/run/libvirt-sock"
LURI="qemu+unix:///system?socket=$LSOCK"
RURI="qemu+unix:///system?socket=$LSOCK-ro"
PY=/usr/bin/python3
wait_until 30 test -S "$LSOCK-ro" || tap_bail "vesseld did not create its libvirt sockets"
# no client-side configuration of the host may change what we test
export XDG_CONFIG_HOME="$T/xdg" HOME="$T/home"
unset LIBVIRT_DEFAULT_URI VIRSH_DEFAULT_CONNECT_URI
mkdir -p "$XDG_CONFIG_HOME" "$HOME"

lv() { # URI ARGS...
    _u=$1; shift
    out=$(virsh -c "$_u" "$@" 2>"$T/err"); rc=$?
    err=$(cat "$T/err")
}
