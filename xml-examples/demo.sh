#!/usr/bin/env bash
# A scripted cvirsh session on the examples, under an embed root in the build tree so it
# touches nothing in /etc or /run.
set -euo pipefail
cvirsh=${1:-build/bin/cvirsh}
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d /tmp/cvirt-demo-XXXXXX)
trap 'rm -rf "$root"' EXIT
uri="cvirt:///embed?root=$root"
run() { printf '\n$ cvirsh %s\n' "$*"; "$cvirsh" -c "$uri" "$@"; }

run define "$here/busybox-app.xml"
run define "$here/system-container.xml"
run define "$here/vm-tiny.xml"
run list --all
run list --all --title
run dominfo busybox
run dumpxml web1
run autostart web1
run list --all --autostart 2>/dev/null || true
run domstate --reason busybox
run undefine tinyvm
run list --all --name
