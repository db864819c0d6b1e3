#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# make install into a scratch DESTDIR, then use what was installed: cvirsh finds its schemas
# and controllers there, the man page lists every command `help` lists, the bash completion
# completes commands, options, domain and file names from the connection on the line, and
# the autostart unit passes `systemd-analyze verify`.
#   install_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/cvirt-test-install-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

DESTDIR=$work/dest cmake --install "$build" --prefix /opt/cvirt > /dev/null
p=$work/dest/opt/cvirt
for f in bin/cvirsh bin/cvirt-host-validate libexec/cvirt-lxc-controller libexec/cvirt-lxc-enter \
    libexec/cvirt-qemu-controller libexec/cvirt-nft share/cvirt/schemas/domain.rng \
    share/man/man1/cvirsh.1 share/bash-completion/completions/cvirsh \
    lib/systemd/system/cvirt-autostart.service sbin/cvirtd lib/libcvirt.so.0 lib/libcvirt.so \
    lib/pkgconfig/cvirt.pc include/cvirt/connection.h; do
    [ -e "$p/$f" ] || fail "$f was not installed"
done

# The installed cvirsh works on its own files (schemas next to it, not the build tree's).
uri="lxc:///embed?root=$work/root"
cat > "$work/ct.xml" <<'XML'
<domain type='lxc'><name>installed1</name><memory unit='MiB'>64</memory>
<os><type>exe</type><init>/bin/sh</init></os></domain>
XML
CVIRT_SCHEMA_DIR= "$p/bin/cvirsh" -c "$uri" define "$work/ct.xml" > /dev/null || fail "define"

# The man page has every command help lists.
for c in $("$p/bin/cvirsh" help | awk '/^    [a-z]/ {print $1}'); do
    grep -q "^\.SS $(printf '%s' "$c" | sed 's/-/\\\\-/g')\$" "$p/share/man/man1/cvirsh.1" ||
        fail "man page lacks $c"
done

# Bash completion, as bash runs it: COMP_LINE is the line, COMP_WORDS the words bash made of
# it, split at ':' and '=' too (COMP_WORDBREAKS), so the URI and `--opt=value` come in pieces.
mkdir -p "$work/dir.d"
out=$(cd "$work" && PATH="$p/bin:$PATH" bash -c '
    source "$1"
    try() {
        COMP_LINE=$1; COMP_POINT=${#1}; shift
        COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _cvirsh; printf "%s\n" "${COMPREPLY[@]}"; echo ---
    }
    root=${2#*root=}
    try "cvirsh -c $2 domi" cvirsh -c lxc : ///embed?root = "$root" domi
    try "cvirsh -c $2 dominfo " cvirsh -c lxc : ///embed?root = "$root" dominfo ""
    try "cvirsh -c $2 list --al" cvirsh -c lxc : ///embed?root = "$root" list --al
    try "cvirsh --connect=$2 dominfo --domain=inst" \
        cvirsh --connect = lxc : ///embed?root = "$root" dominfo --domain = inst
    try "cvirsh -c $2 define c" cvirsh -c lxc : ///embed?root = "$root" define c
    try "cvirsh -c $2 define di" cvirsh -c lxc : ///embed?root = "$root" define di
' _ "$p/share/bash-completion/completions/cvirsh" "$uri")
part() { echo "$out" | awk -v n="$1" '/^---$/ {i++; next} i == n'; }
part 0 | grep -qx dominfo || fail "command names: $out"
part 1 | grep -qx installed1 || fail "domain names: $out"
part 2 | grep -qx -- --all || fail "options: $out"
part 3 | grep -qx installed1 || fail "--domain= after a URI with ':' and '=': $out"
part 4 | grep -qx ct.xml || fail "file names: $out"
part 5 | grep -qx dir.d/ || fail "directories: $out"

# The autostart unit names the installed cvirsh and passes systemd's own check, enabled as an
# operator would in a scratch root holding systemd's targets (verify resolves the unit's
# dependencies there, and loads units from its search path only; the man page is not on
# MANPATH in the scratch root).
unit=$p/lib/systemd/system/cvirt-autostart.service
grep -qx "ExecStart=/opt/cvirt/bin/cvirsh -c cvirt:///system autostart-run" "$unit" ||
    fail "autostart unit: $(cat "$unit")"
mkdir -p "$work/dest/usr/lib/systemd/system" "$work/dest/etc/systemd/system"
cp -a /usr/lib/systemd/system/*.target "$work/dest/usr/lib/systemd/system/"
cp "$unit" "$work/dest/etc/systemd/system/"
verify=$(systemd-analyze verify --man=no --root="$work/dest" \
    /etc/systemd/system/cvirt-autostart.service 2>&1) ||
    fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify warns: $verify"
echo "installed, man page, completion and autostart unit: OK"
