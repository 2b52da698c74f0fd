#!/usr/bin/env python3
# make-corpus.py - writes the checked-in corpus of fuzz-virtqueue
# (fuzz-corpus/virtqueue/) in the input format of fuzz-virtqueue.c: an
# 8-byte header (queue size code, features: bit 0 EVENT_IDX, bit 1
# INDIRECT_DESC; desc, avail and used ring addresses) and an image of
# guest RAM from 0: descriptors at 0, the avail ring at 0x1000, the used
# ring at 0x2000, indirect tables at 0x3000, buffers from 0x4000.
# Well-formed rings and the classic broken ones.  Usage: make-corpus.py DIR
import os
import struct
import sys

NEXT, WRITE, INDIRECT = 1, 2, 4


class Ring:
    def __init__(self, size_code, features=0):
        self.size_code = size_code
        self.features = features
        self.ram = bytearray(0x5000)

    def desc(self, table, i, addr, length, flags=0, nxt=0):
        struct.pack_into("<QIHH", self.ram, table + 16 * i, addr, length, flags, nxt)

    def avail(self, idx, heads, flags=0, used_event=None, size=None):
        struct.pack_into("<HH", self.ram, 0x1000, flags, idx)
        for i, h in enumerate(heads):
            struct.pack_into("<H", self.ram, 0x1004 + 2 * i, h)
        if used_event is not None:
            struct.pack_into("<H", self.ram, 0x1004 + 2 * size, used_event)

    def write(self, path):
        hdr = struct.pack("<BBHHH", self.size_code, self.features, 0, 0x1000, 0x2000)
        with open(path, "wb") as f:            # RAM past the input is zero
            f.write(hdr + bytes(self.ram).rstrip(b"\0"))


def main(out):
    os.makedirs(out, exist_ok=True)
    r = Ring(2)                                       # 4 entries: one chain R -> W
    r.desc(0, 0, 0x4000, 64, NEXT, 1)
    r.desc(0, 1, 0x5000, 128, WRITE)
    r.avail(1, [0])
    r.write(f"{out}/chain.bin")

    r = Ring(3, 2)                                    # an indirect table R, R, W
    r.desc(0, 0, 0x3000, 48, INDIRECT)
    r.desc(0x3000, 0, 0x4000, 16, NEXT, 1)
    r.desc(0x3000, 1, 0x4100, 16, NEXT, 2)
    r.desc(0x3000, 2, 0x6000, 512, WRITE)
    r.avail(1, [0])
    r.write(f"{out}/indirect.bin")

    r = Ring(3, 1)                                    # EVENT_IDX, three buffers
    for i in range(3):
        r.desc(0, i, 0x4000 + 0x400 * i, 256, WRITE if i % 2 else 0)
    r.avail(3, [0, 1, 2], used_event=1, size=8)
    r.write(f"{out}/event-idx.bin")

    r = Ring(5)                                       # a full ring of 32
    for i in range(32):
        r.desc(0, i, 0x4000 + 0x100 * i, 0x100, WRITE if i & 1 else 0)
    r.avail(32, list(range(32)))
    r.write(f"{out}/full.bin")

    r = Ring(2)                                       # a chain that loops
    r.desc(0, 0, 0x4000, 16, NEXT, 1)
    r.desc(0, 1, 0x4100, 16, NEXT, 0)
    r.avail(1, [0])
    r.write(f"{out}/loop.bin")

    r = Ring(2, 2)                                    # indirect inside indirect
    r.desc(0, 0, 0x3000, 32, INDIRECT)
    r.desc(0x3000, 0, 0x3100, 16, INDIRECT)
    r.desc(0x3000, 1, 0x4000, 16)
    r.avail(1, [0])
    r.write(f"{out}/nested-indirect.bin")

    r = Ring(2)                                       # buffers outside guest RAM
    r.desc(0, 0, 0xfff0, 0x20, NEXT, 1)
    r.desc(0, 1, 0xffffffffffff0000, 0x10000, WRITE)
    r.avail(1, [0])
    r.write(f"{out}/outside-ram.bin")

    r = Ring(2)                                       # avail idx far ahead, heads out of range
    r.desc(0, 0, 0x4000, 16)
    r.avail(0xffff, [7, 0, 9, 3])
    r.write(f"{out}/bad-heads.bin")

    r = Ring(20)                                      # an odd size (20 * 7)
    for i in range(140):
        r.desc(0, i, 0x4000, 8, NEXT if i < 139 else 0, i + 1)
    r.avail(1, [0])
    r.write(f"{out}/odd-size-long-chain.bin")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fuzz-corpus/virtqueue")
