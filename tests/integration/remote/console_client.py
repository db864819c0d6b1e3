# SPDX-License-Identifier: GPL-3.0-or-later
# python3-libvirt's console against cvirtd: a stream (conn.newStream + dom.openConsole) to a
# running domain's shell; sends it a command and reads its answer, then finishes. KIND: the
# connection's (lxc, qemu); PROMPT: what to wait for before sending (a VM's booting).
#   python3 console_client.py SOCKET NAME [KIND [PROMPT]]
import signal
import sys

import libvirt

signal.alarm(180)  # a blocking recv that never returns fails the test instead of hanging it
sock, name = sys.argv[1:3]
kind = sys.argv[3] if len(sys.argv) > 3 else "lxc"
prompt = sys.argv[4].encode() if len(sys.argv) > 4 else b""
conn = libvirt.open(kind + "+unix:///system?socket=" + sock)
dom = conn.lookupByName(name)
st = conn.newStream(0)
dom.openConsole(None, st, 0)
seen = b""
while prompt not in seen:
    data = st.recv(4096)
    if not data:
        raise SystemExit("the console ended before the prompt: %r" % seen)
    seen += data
command = b"echo console-$((6*7))\n"
assert st.send(command) == len(command)
while b"console-42" not in seen:
    data = st.recv(4096)
    if not data:
        raise SystemExit("the console ended before the answer: %r" % seen)
    seen += data
st.finish()
# The console was let go: it opens again, refused to nobody.
st = conn.newStream(0)
dom.openConsole(None, st, 0)
st.abort()
conn.close()
print("console: OK")
