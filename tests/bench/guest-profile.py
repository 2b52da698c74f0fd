#!/usr/bin/env python3
"""guest-profile.py - where the guest spends its instructions.

    tests/bench/guest-profile.py PROFILE System.map [TOP]

PROFILE is what a DBT_STATS build of vessel-vmm writes with
VESSEL_DBT_PROFILE=FILE (one guest RIP in hex per line, taken every
DBT_PROF_PERIOD instructions).  Each sample is charged to the kernel
symbol at or below it (System.map format, e.g. the guest's /proc/kallsyms
with nokaslr: the Debian .deb ships only a placeholder System.map), user
space RIPs (below the kernel half) to "[user]".  Prints the TOP symbols
by share of samples."""
import bisect
import collections
import sys


def load_map(path):
    syms = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1] in "tTwW":
                syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    addrs, names = load_map(sys.argv[2])
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    count = collections.Counter()
    total = 0
    with open(sys.argv[1]) as f:
        for line in f:
            rip = int(line, 16)
            total += 1
            if rip < 1 << 63:
                count["[user space or decompressor]"] += 1
                continue
            k = bisect.bisect_right(addrs, rip) - 1
            count[names[k] if k >= 0 else "[unknown]"] += 1
    print(f"{total} samples")
    for name, n in count.most_common(top):
        print(f"{100.0 * n / total:6.2f}%  {name}")


if __name__ == "__main__":
    main()
