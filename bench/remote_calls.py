# SPDX-License-Identifier: GPL-3.0-or-later
# python3-libvirt against cvirtd: calls of virDomainGetInfo per second over the socket.
#   python3 remote_calls.py SOCKET NAME SECONDS CLIENTS
# CLIENTS processes, each with its own connection, call dom.info() in a loop for SECONDS;
# prints "CALLS calls in SECONDS s: RATE/s (CLIENTS clients)".
import multiprocessing
import sys
import time

import libvirt

sock, name, seconds, clients = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])


def worker(start, out):
    conn = libvirt.open("lxc+unix:///system?socket=" + sock)
    dom = conn.lookupByName(name)
    dom.info()
    start.wait()
    n, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        for _ in range(100):
            dom.info()
        n += 100
    out.put(n)
    conn.close()


start, out = multiprocessing.Event(), multiprocessing.Queue()
procs = [multiprocessing.Process(target=worker, args=(start, out)) for _ in range(clients)]
for p in procs:
    p.start()
time.sleep(0.5)  # every worker connected and waiting
start.set()
total = sum(out.get() for _ in procs)
for p in procs:
    p.join()
print("%d calls in %.0f s: %.0f/s (%d client%s)" %
      (total, seconds, total / seconds, clients, "" if clients == 1 else "s"))
