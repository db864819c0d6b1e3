#!/bin/bash
# make install into a scratch DESTDIR, then use what was installed: cvirsh finds its schemas
# and controllers there, the man page lists every command `help` lists, and the bash
# completion completes commands, options and domain names from the live connection.
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
    share/man/man1/cvirsh.1 share/bash-completion/completions/cvirsh; do
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

# Bash completion, as bash runs it.
out=$(PATH="$p/bin:$PATH" bash -c '
    source "$1"
    COMP_WORDS=(cvirsh -c "$2" domi); COMP_CWORD=3; _cvirsh; printf "%s\n" "${COMPREPLY[@]}"
    echo ---
    COMP_WORDS=(cvirsh -c "$2" dominfo ""); COMP_CWORD=4; _cvirsh; printf "%s\n" "${COMPREPLY[@]}"
    echo ---
    COMP_WORDS=(cvirsh -c "$2" list --al); COMP_CWORD=4; _cvirsh; printf "%s\n" "${COMPREPLY[@]}"
' _ "$p/share/bash-completion/completions/cvirsh" "$uri")
echo "$out" | sed -n '1,/---/p' | grep -qx dominfo || fail "command names: $out"
echo "$out" | sed -n '/---/,/---/p' | grep -qx installed1 || fail "domain names: $out"
echo "$out" | tail -n 1 | grep -qx -- --all || fail "options: $out"
echo "installed, man page and completion: OK"
