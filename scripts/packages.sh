#!/bin/sh
# packages.sh - build Vessel's Debian and RPM packages from `make dist`'s
# tarball, check them with lintian and rpmlint, and install the .debs in a
# fresh Debian root (tests/packaging/install-test.sh), and follow the
# README's build-tree install in such a root (test-readme-install.sh).
# scripts/check.sh runs it after distcheck; README "Packages" says how to
# use it by hand.
#
#   scripts/packages.sh [TARBALL]
#   scripts/packages.sh --stamp [TARBALL]
#
# Without TARBALL it takes build-dist/vessel-*.tar.gz (check.sh's
# distcheck leaves it there), else runs `make dist` in build/.  Everything
# it makes is under build-pkg/ at the top of the tree: deb/ (the .debs,
# the source package, the build log), rpm/ (rpmbuild's _topdir).
# When all three steps pass it leaves a stamp,
# ~/.cache/vessel/packages/VERSION-KEY.ok, KEY a hash of the packaging's
# own files (debian/, vessel.spec.in, vessel.rpmlint.toml,
# tests/packaging/, this script): scripts/check.sh, which runs this only
# with VESSEL_PACKAGES=1, says whether the tree's key has passed; --stamp
# prints the stamp's path and does nothing else.  VESSEL_PKG_STEPS
# (default "deb rpm install readme") picks the steps.  The readme step
# installs build/ (check.sh's, configured with the default prefix as the
# README's reader does) or, when there is none, a build of the tarball in
# build-pkg/readme/; given the .debs it uses the install test's cached
# root, so it costs about a minute.  Needs the packages of
# scripts/deps.sh; run as root (the tests boot containers).  Exit status
# non-zero when a step fails.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
steps=${VESSEL_PKG_STEPS:-deb rpm install readme}
out=$top/build-pkg

print_stamp=no
if [ "${1:-}" = --stamp ]; then print_stamp=yes; shift; fi
tarball=${1:-}
if [ -z "$tarball" ]; then
    tarball=$(ls -t "$top"/build-dist/vessel-*.tar.gz 2>/dev/null | head -n 1 || :)
fi
if [ -z "$tarball" ]; then
    echo "=== packages: make dist in build/"
    [ -f "$top/build/Makefile" ] || {
        (cd "$top" && NOCONFIGURE=1 ./autogen.sh >/dev/null) &&
        mkdir -p "$top/build" && (cd "$top/build" && "$top/configure" -q); }
    make -s -C "$top/build" dist >/dev/null
    tarball=$(ls -t "$top"/build/vessel-*.tar.gz | head -n 1)
fi
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
base=$(basename "$tarball" .tar.gz)          # vessel-VERSION
version=${base#vessel-}
key=$( { echo "$version"
    cd "$top" && git ls-files -z debian tests/packaging vessel.spec.in vessel.rpmlint.toml \
        scripts/packages.sh 2>/dev/null | xargs -0 -r sha256sum; } | sha256sum | cut -c1-16)
stamp=${XDG_CACHE_HOME:-$HOME/.cache}/vessel/packages/$version-$key.ok
if [ $print_stamp = yes ]; then echo "$stamp"; exit 0; fi
echo "=== packages: $base from $tarball"
mkdir -p "$out"

# CPU seconds (user + system) of this shell's finished children so far,
# in $cpu: with wall time it tells what a step costs on a quiet 2-core
# machine when this one is loaded.  `times` must run in this shell, not in
# a command substitution's subshell.
cpu_now() {
    times > "$out/.times"
    cpu=$(awk 'NR == 2 { n = 0; for (i = 1; i <= NF; i++) { split($i, a, /[ms]/); n += a[1] * 60 + a[2] }; printf "%d", n }' "$out/.times")
}
step_start() { echo "=== packages: $1"; t0=$(date +%s); cpu_now; c0=$cpu; }
step_end() { cpu_now; echo "=== packages: $1 ok in $(( $(date +%s) - t0 )) s ($((cpu - c0)) CPU s)"; }
fail() {
    echo "=== packages: $1 FAILED; the end of $2:"
    tail -n 40 "$2"
    exit 1
}

# --- Debian: the source package and the binary packages, as a Debian
# maintainer builds them from the upstream tarball; then lintian.
build_deb() {
    step_start "dpkg-buildpackage"
    rm -rf "$out/deb" && mkdir -p "$out/deb"
    cp "$tarball" "$out/deb/vessel_$version.orig.tar.gz"
    tar -C "$out/deb" -xzf "$tarball"
    log=$out/deb/build.log
    (cd "$out/deb/$base" &&
        DEB_BUILD_OPTIONS="nocheck parallel=$jobs" DEB_BUILD_PROFILES=nocheck nice -n 10 \
        dpkg-buildpackage -us -uc) > "$log" 2>&1 || fail "dpkg-buildpackage" "$log"
    ls "$out"/deb/*.deb | sed 's|.*/|    |'
    step_end "dpkg-buildpackage"

    step_start "lintian"
    changes=$(ls "$out"/deb/vessel_*.changes)
    # Every tag lintian shows fails the step, but for the info level and
    # what debian/*lintian-overrides justify.
    lintian --fail-on error,warning --display-level '>=warning' \
        "$changes" > "$out/deb/lintian.log" 2>&1 || {
        cat "$out/deb/lintian.log"; echo "=== packages: lintian FAILED"; exit 1; }
    cat "$out/deb/lintian.log"
    step_end "lintian"
}

# --- RPM: rpmbuild -bb with the spec the tarball carries (on Debian the
# build dependencies are dpkg packages, hence --nodeps; the tests ran in
# make check already, hence --without check); then rpmlint.
build_rpm() {
    step_start "rpmbuild"
    rm -rf "$out/rpm" && mkdir -p "$out/rpm/SOURCES" "$out/rpm/SPECS"
    cp "$tarball" "$out/rpm/SOURCES/"
    tar -xzOf "$tarball" "$base/vessel.spec" > "$out/rpm/SPECS/vessel.spec"
    tar -xzOf "$tarball" "$base/vessel.rpmlint.toml" > "$out/rpm/SPECS/vessel.rpmlint.toml"
    log=$out/rpm/build.log
    # Debian's brp-compress needs bash (read -d) but says #!/bin/sh.
    nice -n 10 rpmbuild -bb --nodeps --without check \
        --define "_topdir $out/rpm" --define "_smp_build_ncpus $jobs" \
        --define "__brp_compress /bin/bash %{_rpmconfigdir}/brp-compress %{?_prefix}" \
        "$out/rpm/SPECS/vessel.spec" > "$log" 2>&1 || fail "rpmbuild" "$log"
    ls "$out"/rpm/RPMS/*/*.rpm | sed 's|.*/|    |'
    step_end "rpmbuild"

    step_start "rpmlint"
    # Errors fail the step; warnings are fixed or filtered with a reason in
    # vessel.rpmlint.toml.
    rpmlint -c "$out/rpm/SPECS/vessel.rpmlint.toml" "$out/rpm/SPECS/vessel.spec" \
        "$out"/rpm/RPMS/*/*.rpm > "$out/rpm/rpmlint.log" 2>&1 || {
        cat "$out/rpm/rpmlint.log"; echo "=== packages: rpmlint FAILED"; exit 1; }
    cat "$out/rpm/rpmlint.log"
    step_end "rpmlint"
}

run_install_test() {
    step_start "install test"
    # The TAP goes to install-test.log too (check.sh counts it).
    rc=0
    sh "$top/tests/packaging/install-test.sh" "$out"/deb/*.deb > "$out/install-test.log" 2>&1 || rc=$?
    cat "$out/install-test.log"
    [ $rc -eq 0 ] || { echo "=== packages: install test FAILED"; exit 1; }
    step_end "install test"
}

# README.md's "Install and run your first VM" from a build tree, on a
# fresh root: the build with the default prefix, installed as the README
# says (tests/packaging/test-readme-install.sh).
run_readme_test() {
    step_start "README install test"
    build=$top/build
    if ! [ -f "$build/Makefile" ] || [ "$(sed -n 's/^prefix = //p' "$build/Makefile")" != /usr/local ]; then
        build=$out/readme/$base
        echo "    no build/ with the default prefix: building $base in $build"
        rm -rf "$out/readme" && mkdir -p "$out/readme"
        tar -C "$out/readme" -xzf "$tarball"
        (cd "$build" && ./configure -q && nice -n 10 make -s -j"$jobs") > "$out/readme/build.log" 2>&1 ||
            fail "the README test's build" "$out/readme/build.log"
    fi
    rc=0
    sh "$top/tests/packaging/test-readme-install.sh" "$build" $(ls "$out"/deb/*.deb 2>/dev/null) \
        > "$out/readme-test.log" 2>&1 || rc=$?
    cat "$out/readme-test.log"
    [ $rc -eq 0 ] || { echo "=== packages: README install test FAILED"; exit 1; }
    step_end "README install test"
}

for s in $steps; do
    case $s in
        deb) build_deb ;;
        rpm) build_rpm ;;
        install) run_install_test ;;
        readme) run_readme_test ;;
        *) echo "packages.sh: unknown step '$s'" >&2; exit 2 ;;
    esac
done
echo "=== packages: all steps passed ($steps)"
case " $steps " in
    *" deb "*" rpm "*" install "*" readme "*)
        mkdir -p "$(dirname "$stamp")"
        date -u '+%Y-%m-%d %H:%M UTC' > "$stamp"
        echo "=== packages: stamp $stamp" ;;
esac
