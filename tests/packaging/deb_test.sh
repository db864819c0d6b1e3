#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `make deb` checked: the packages build from the build tree, lintian finds no error, each
# package holds the files it should (and every installed file is in one), and they install
# and purge cleanly in a throwaway root (dpkg --root on a scratch dpkg database that copies
# the host's status, so dependencies resolve; nothing touches the host's /usr). Installed
# there, cvirsh runs on the packaged libcvirt.so.0 and the example builds with the packaged
# cvirt.pc.
#   deb_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/cvirt-test-deb-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "SKIP: dpkg --root needs root"; exit 77; }
for tool in dpkg-deb dpkg-shlibdeps lintian; do
    command -v $tool > /dev/null || { echo "SKIP: needs $tool (make deps)"; exit 77; }
done

"$src/packaging/deb/make-debs.py" "$build" "$work/debs" > /dev/null || fail "make-debs.py"
version=$(sed -n 's/^project(cvirt VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
arch=$(dpkg --print-architecture)
pkgs="libcvirt0 libcvirt-dev cvirt-clients cvirt-daemon"
for p in $pkgs; do
    [ -f "$work/debs/${p}_${version}_${arch}.deb" ] || fail "no $p package: $(ls "$work/debs")"
done

# lintian: no error (warnings and the informational tags are allowed).
lint=$(lintian --no-tag-display-limit "$work"/debs/*.deb 2>&1 || true)
errors=$(echo "$lint" | grep '^E: ' || true)
[ -z "$errors" ] || fail "lintian errors:
$errors"

# File lists: what each package must hold and must not.
contents() { dpkg-deb -c "$work/debs/${1}_${version}_${arch}.deb" | awk '{print $6}' | sed 's,^\./,/,'; }
has() {
    local p=$1; shift
    local list; list=$(contents "$p")
    for f in "$@"; do echo "$list" | grep -qx -- "$f" || fail "$p lacks $f"; done
}
has libcvirt0 /usr/lib/libcvirt.so.0 "/usr/lib/libcvirt.so.$version" \
    /usr/libexec/cvirt-lxc-controller /usr/libexec/cvirt-lxc-enter \
    /usr/libexec/cvirt-qemu-controller /usr/libexec/cvirt-nft /usr/share/cvirt/schemas/domain.rng \
    /usr/share/doc/libcvirt0/copyright /usr/share/doc/libcvirt0/changelog.gz
has libcvirt-dev /usr/lib/libcvirt.so /usr/lib/pkgconfig/cvirt.pc /usr/include/cvirt/connection.h \
    /usr/include/cvirt/export.h /usr/share/doc/libcvirt-dev/copyright
has cvirt-clients /usr/bin/cvirsh /usr/bin/cvirt-host-validate /usr/share/man/man1/cvirsh.1.gz \
    /usr/share/bash-completion/completions/cvirsh /usr/share/doc/cvirt-clients/copyright
has cvirt-daemon /usr/sbin/cvirtd /usr/lib/systemd/system/cvirt-autostart.service \
    /usr/share/doc/cvirt-daemon/copyright
contents libcvirt0 | grep -E '^/usr/(include|bin|sbin)/|libcvirt\.so$' && fail "libcvirt0 holds dev or program files"
contents libcvirt-dev | grep -E '\.so\.[0-9]' && fail "libcvirt-dev holds the runtime library"
dpkg-deb -f "$work/debs/libcvirt0_${version}_${arch}.deb" Depends | grep -q 'libc6' ||
    fail "libcvirt0 Depends: $(dpkg-deb -f "$work/debs/libcvirt0_${version}_${arch}.deb" Depends)"
for p in cvirt-clients cvirt-daemon; do
    dpkg-deb -f "$work/debs/${p}_${version}_${arch}.deb" Depends | grep -q "libcvirt0 (\(>\)\?= $version)" ||
        fail "$p does not depend on libcvirt0"
done
has cvirt-daemon /usr/bin/virt-ssh-helper
# Every file `make install` installs is in exactly one package.
DESTDIR=$work/stage cmake --install "$build" --prefix /usr > /dev/null
installed=$(cd "$work/stage" && find . ! -type d | sed 's,^\.,,; s,/man1/cvirsh\.1$,/man1/cvirsh.1.gz,' | sort)
packaged=$(for p in $pkgs; do contents $p; done | grep -v '/$' |
    grep -v '^/usr/share/doc/\|^/usr/share/lintian/' | sort)
[ "$installed" = "$(echo "$packaged" | sort -u)" ] ||
    fail "installed vs packaged: $(diff <(echo "$installed") <(echo "$packaged"))"
[ "$(echo "$packaged" | uniq -d)" = "" ] || fail "in two packages: $(echo "$packaged" | uniq -d)"

# Install and purge in a throwaway root.
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/log"
cp /var/lib/dpkg/status "$root/var/lib/dpkg/status"
touch "$root/var/lib/dpkg/available"
before=$(cd "$root" && find . -path ./var/lib/dpkg -prune -o -print | sort)
out=$(dpkg --root="$root" --log=/dev/null -i "$work"/debs/*.deb 2>&1) || fail "dpkg -i: $out"
for p in $pkgs; do
    dpkg --root="$root" -s $p 2>/dev/null | grep -qx 'Status: install ok installed' ||
        fail "$p not installed: $(dpkg --root="$root" -s $p 2>&1)"
    for f in $(dpkg --root="$root" -L $p); do
        [ -e "$root$f" ] || fail "$p: $f missing after install"
    done
done
# cvirtd runs on the packaged libcvirt.so.0 (found in /usr/lib, no RUNPATH; here the
# throwaway root's through LD_LIBRARY_PATH); cvirsh (static) runs and starts nothing.
readelf -d "$root/usr/sbin/cvirtd" | grep -E 'RPATH|RUNPATH' && fail "cvirtd has a RUNPATH"
LD_LIBRARY_PATH=$root/usr/lib ldd "$root/usr/sbin/cvirtd" |
    grep "libcvirt.so.0 => $root/usr/lib/libcvirt.so.0" >/dev/null ||
    fail "installed cvirtd: $(LD_LIBRARY_PATH=$root/usr/lib ldd "$root/usr/sbin/cvirtd")"
LD_LIBRARY_PATH=$root/usr/lib "$root/usr/sbin/cvirtd" --help > /dev/null ||
    fail "installed cvirtd does not run"
"$root/usr/bin/cvirsh" -c "lxc:///embed?root=$work/embed" list --all > /dev/null ||
    fail "installed cvirsh does not run"
# The example builds against the installed -dev package.
flags=$(PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root/usr/lib/pkgconfig \
    pkg-config --cflags --libs cvirt)
c++ -std=c++20 "$src/docs/example/list_domains.cc" $flags -o "$work/list-domains" ||
    fail "example against the installed package: $flags"
LD_LIBRARY_PATH=$root/usr/lib "$work/list-domains" "lxc:///embed?root=$work/embed" > /dev/null ||
    fail "example run"

out=$(dpkg --root="$root" --log=/dev/null --purge cvirt-daemon cvirt-clients libcvirt-dev libcvirt0 2>&1) ||
    fail "dpkg --purge: $out"
after=$(cd "$root" && find . -path ./var/lib/dpkg -prune -o -print | sort)
[ "$before" = "$after" ] || fail "left after purge: $(diff <(echo "$before") <(echo "$after"))"
for p in $pkgs; do
    ls "$root/var/lib/dpkg/info/$p".* > /dev/null 2>&1 && fail "dpkg still has $p's files"
done
echo "$pkgs: lintian clean, file lists right, install and purge clean"
