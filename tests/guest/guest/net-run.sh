#!/bin/sh
# net-run.sh - /etc/vessel/run of the guest in tests/guest/test-guest-net.sh
# (the reference initramfs runs it after boot).  It takes a DHCP lease on
# eth0 with busybox udhcpc, sending its name (vessel.name= on the kernel
# command line) as the DHCP hostname; waits for the host to type the peer
# guest's address and name on the console; looks the name up in the
# network's DNS and pings the peer, then the "outside" address 203.0.113.1,
# and fetches a CGI there that answers with the source address it saw.  A
# guest with a second interface (eth1, on a bridge of the test's own) also
# takes a lease there and pings that DHCP server, the host side of the
# bridge.  Results are "T-TAG: value" lines on the console.  It then pings
# every further address typed on the console, until the host shuts the
# guest down or its VMM dies.
name=$(sed -n 's/.*vessel\.name=\([a-z0-9-]*\).*/\1/p' /proc/cmdline)
outside=203.0.113.1

# report TAG CMD...: "TAG: ok" if CMD succeeds, else "TAG: fail" and its
# output as T-LOG lines.
report() {
    _tag=$1; shift
    if "$@" >/tmp/report.txt 2>&1; then
        echo "$_tag: ok"
    else
        echo "$_tag: fail"
        sed 's/^/T-LOG: /' /tmp/report.txt
    fi
}
echo "T-MAC: $(cat /sys/class/net/eth0/address)"
ip link set eth0 up
if udhcpc -i eth0 -s /etc/vessel/udhcpc.script -x "hostname:$name" -t 20 -T 3 -n -q \
        >/tmp/dhcp.txt 2>&1; then
    echo "T-ADDR: $(ip -4 addr show dev eth0 | sed -n 's/.*inet \([0-9.]*\).*/\1/p')"
    router=$(ip route show default | sed -n 's/.*via \([0-9.]*\).*/\1/p')
    echo "T-ROUTER: $router"
else
    echo "T-ADDR: none"
    sed 's/^/T-LOG: /' /tmp/dhcp.txt
fi

if [ -e /sys/class/net/eth1 ]; then
    echo "T-MAC1: $(cat /sys/class/net/eth1/address)"
    ip link set eth1 up
    if udhcpc -i eth1 -s /etc/vessel/udhcpc.script -t 20 -T 3 -n -q >/tmp/dhcp1.txt 2>&1; then
        echo "T-ADDR1: $(ip -4 addr show dev eth1 | sed -n 's/.*inet \([0-9.]*\).*/\1/p')"
        server=$(cat /tmp/serverid.eth1)
        echo "T-SERVER1: $server"
        report T-PING-BR ping -c 3 -W 5 "$server"
    else
        echo "T-ADDR1: none"
        sed 's/^/T-LOG: /' /tmp/dhcp1.txt
    fi
fi

echo "T-WAIT: peer"
read -r peer peer_name
echo "T-PEER: $peer"
# The network's dnsmasq (the router) knows the peer by its DHCP hostname.
resolves() {
    nslookup "$1" "$router" >/tmp/dns.txt || return 1
    cat /tmp/dns.txt
    sed -n '/^Name:/,$p' /tmp/dns.txt | grep -q -E "^Address:[[:space:]]*$2\$"
}
report T-DNS resolves "$peer_name" "$peer"
report T-PING-PEER ping -c 3 -W 5 "$peer"
report T-PING-OUT ping -c 3 -W 5 "$outside"
# (no wget -T: it crashes Debian's busybox 1.35, natively too)
if answer=$(timeout 60 wget -q -O - "http://$outside:7777/cgi-bin/peer" 2>/tmp/wget.txt); then
    echo "T-WGET: $answer"
else
    echo "T-WGET: fail"
    sed 's/^/T-LOG: /' /tmp/wget.txt
fi
echo "T-END: $name"
# Later addresses typed on the console (e.g. after a daemon restart) are
# pinged once more each.
while read -r addr; do
    report T-AGAIN ping -c 2 -W 5 "$addr"
done
while :; do sleep 3600; done
