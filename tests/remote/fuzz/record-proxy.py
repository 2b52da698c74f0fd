#!/usr/bin/python3
"""record-proxy.py LISTEN UPSTREAM OUTDIR - a unix-socket relay that keeps
what each client sent (make-corpus.sh: the fuzz corpus of real libvirt
client packets).  Connection N's client-to-daemon bytes go to
OUTDIR/conn-N; the daemon's answers are relayed, not kept."""
import os
import socket
import sys
import threading


def relay(src, dst, keep):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if keep:
                keep.write(data)
                keep.flush()
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    listen, upstream, outdir = sys.argv[1:4]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(listen)
    srv.listen(16)
    n = 0
    while True:
        cli, _ = srv.accept()
        up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        up.connect(upstream)
        keep = open(os.path.join(outdir, "conn-%03d" % n), "wb")
        n += 1
        threading.Thread(target=relay, args=(cli, up, keep), daemon=True).start()
        threading.Thread(target=relay, args=(up, cli, None), daemon=True).start()


main()
