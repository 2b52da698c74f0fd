#!/bin/sh
# demo.sh - the Quick start's first command: install dependencies, build,
# and boot the demo VM through vesseld and vsh (see README.md).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/deps.sh
NOCONFIGURE=1 ./autogen.sh >/dev/null
mkdir -p build
(cd build && { [ -f Makefile ] || ../configure -q; } && make -s -j"$(nproc)")
echo "demo: built $(./build/vmm/vessel-vmm --version)"
if [ ! -x build/shell/vsh ] || [ ! -x build/daemon/vesseld ]; then
  echo "demo: the daemon and shell are not built yet; nothing more to run" >&2
  exit 0
fi
exec sh scripts/demo-run.sh "$top/build"
