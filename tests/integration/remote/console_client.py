# python3-libvirt's console against cvirtd: a stream (conn.newStream + dom.openConsole) to a
# running container's shell; sends it a command and reads its answer, then finishes.
#   python3 console_client.py SOCKET NAME
import signal
import sys

import libvirt

signal.alarm(60)  # a blocking recv that never returns fails the test instead of hanging it
sock, name = sys.argv[1:3]
conn = libvirt.open("lxc+unix:///system?socket=" + sock)
dom = conn.lookupByName(name)
st = conn.newStream(0)
dom.openConsole(None, st, 0)
command = b"echo console-$((6*7))\n"
assert st.send(command) == len(command)
seen = b""
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
