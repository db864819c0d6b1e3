#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# libcvirt as an outside program sees it: install into a scratch prefix (nothing on the host),
# check the shared library (SONAME, only the public API exported), compile every installed
# header on its own, build docs/example/list_domains.cc with `pkg-config --cflags --libs
# cvirt` against that prefix and run it on an embed root where the installed cvirsh defined
# one container and started another (through the installed controller).
#   library_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/cvirt-test-library-XXXXXX)
prefix=$work/prefix
uri="lxc:///embed?root=$work/root"
cleanup() {
    [ -x "$prefix/bin/cvirsh" ] && "$prefix/bin/cvirsh" -c "$uri" destroy lib-run > /dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "SKIP: starting a container needs root"; exit 77; }
rootfs=$build/rootfs/busybox
[ -x "$rootfs/bin/busybox" ] || { echo "SKIP: needs the busybox rootfs at $rootfs"; exit 77; }

cmake --install "$build" --prefix "$prefix" > /dev/null
so=$(find "$prefix" -name libcvirt.so.0 -type l)
[ -n "$so" ] || fail "libcvirt.so.0 was not installed"
libdir=$(dirname "$so")
for f in "$libdir/libcvirt.so" "$libdir/pkgconfig/cvirt.pc" "$prefix/include/cvirt/connection.h"; do
    [ -e "$f" ] || fail "$f was not installed"
done
readelf -d "$so" | grep -q 'SONAME.*\[libcvirt\.so\.0\]' || fail "SONAME: $(readelf -d "$so")"

# Exported: the public API (cvirt::Class::…, cvirt::function) and its type information only,
# every symbol under the version node CVIRT_0; no internal namespace (cvirt::conf::…), no
# third-party or standard library code.
syms=$(nm -D --defined-only "$so" | awk '{print $3}')
echo "$syms" | grep -q . || fail "no exported symbols"
bad=$(echo "$syms" | grep -v '@@CVIRT_0$' | grep -vx 'CVIRT_0' || true)
[ -z "$bad" ] || fail "symbols outside CVIRT_0: $bad"
names=$(echo "$syms" | grep -vx 'CVIRT_0' | sed 's/@@CVIRT_0$//' | c++filt)
bad=$(echo "$names" | grep -Ev '^((typeinfo|typeinfo name|vtable) for )?cvirt::([A-Z]|[a-z][A-Za-z]*\()' || true)
[ -z "$bad" ] || fail "exported beyond the public API: $bad"
echo "$names" | grep -q '^cvirt::Connection::open(' || fail "Connection::open not exported"
echo "$names" | grep -qx 'typeinfo for cvirt::Error' || fail "cvirt::Error's typeinfo not exported"

export PKG_CONFIG_PATH=$libdir/pkgconfig
flags=$(pkg-config --cflags --libs cvirt)
[ "$(pkg-config --modversion cvirt)" = "$(sed -n 's/^project(cvirt VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")" ] ||
    fail "cvirt.pc version: $(pkg-config --modversion cvirt)"
for h in "$prefix"/include/cvirt/*.h; do
    echo "#include <cvirt/$(basename "$h")>" |
        c++ -std=c++20 -fsyntax-only -Wall -Werror -x c++ $(pkg-config --cflags cvirt) - ||
        fail "$(basename "$h") does not compile on its own"
done
c++ -std=c++20 -Wall -Wextra -Werror "$src/docs/example/list_domains.cc" $flags \
    -o "$work/list-domains" || fail "the example does not build with: $flags"
readelf -d "$work/list-domains" | grep -q 'NEEDED.*\[libcvirt\.so\.0\]' || fail "example NEEDED"
# The installed cvirtd and virt-ssh-helper find the installed library through their RUNPATH
# ($ORIGIN/../lib); cvirsh links it as CVIRSH_LINK says (static: docs/PERFORMANCE.md).
for p in sbin/cvirtd bin/virt-ssh-helper; do
    found=$(ldd "$prefix/$p" | awk '$1 == "libcvirt.so.0" {print $3}')
    [ -n "$found" ] && [ "$(readlink -f "$found")" = "$(readlink -f "$so")" ] ||
        fail "installed $p: $(ldd "$prefix/$p")"
done

cat > "$work/stopped.xml" <<XML
<domain type='lxc'><name>lib-stopped</name><memory unit='MiB'>64</memory>
<os><type>exe</type><init>/bin/sh</init></os></domain>
XML
cat > "$work/run.xml" <<XML
<domain type='lxc'><name>lib-run</name><memory unit='MiB'>64</memory>
<os><type>exe</type><init>/bin/sleep</init><initarg>600</initarg></os>
<devices><filesystem type='mount'><source dir='$rootfs'/><target dir='/'/></filesystem>
<filesystem type='ram'><source usage='16' units='MiB'/><target dir='/tmp'/></filesystem>
</devices></domain>
XML
# The installed programs and library only: no build-tree helper or schema through env.
unset CVIRT_SCHEMA_DIR CVIRT_LXC_CONTROLLER
"$prefix/bin/cvirsh" -c "$uri" define "$work/stopped.xml" > /dev/null || fail "define"
"$prefix/bin/cvirsh" -c "$uri" create "$work/run.xml" > /dev/null || fail "create"
id=$("$prefix/bin/cvirsh" -c "$uri" domid lib-run)

out=$(LD_LIBRARY_PATH=$libdir "$work/list-domains" "$uri") || fail "list-domains: $out"
expected="$id lib-run running
- lib-stopped shut off"
[ "$out" = "$expected" ] || fail "list-domains printed:
$out
expected:
$expected"
out=$(LD_LIBRARY_PATH=$libdir "$work/list-domains" "nosuch:///x" 2>&1) &&
    fail "a bad URI succeeded: $out"
echo "$out" | grep -q '^error: ' || fail "a bad URI: $out"
LD_LIBRARY_PATH=$libdir ldd "$work/list-domains" | grep "libcvirt.so.0 => $libdir/" >/dev/null ||
    fail "example resolves: $(LD_LIBRARY_PATH=$libdir ldd "$work/list-domains")"
echo "libcvirt.so.0, headers, cvirt.pc and the example against $prefix: OK"
