# SPDX-License-Identifier: GPL-3.0-or-later
# N python3-libvirt clients at once against cvirtd, each on a connection of its own running a
# define / start / get-info / destroy loop over its own domain for SECONDS (the domain stays
# defined, for the test to read its stored config). remote_load_test runs it:
#   python3 load_client.py SOCKET XMLDIR CLIENTS SECONDS
# XMLDIR holds load-0.xml … load-(N-1).xml. Prints one line per client ("client I: L loops")
# and one per failure ("client I failed: CALL: libvirt's message"); exits 1 on any failure.
import os
import sys
import threading
import time

import libvirt

sock, xml_dir, clients, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
uri = "lxc+unix:///system?socket=" + sock
libvirt.registerErrorHandler(lambda ctx, err: None, None)  # errors are raised, not printed
results = [None] * clients
ready = threading.Barrier(clients)


def client(i):
    loops, failures = 0, []
    xml = open(os.path.join(xml_dir, "load-%d.xml" % i)).read()
    try:
        conn = libvirt.open(uri)
    except libvirt.libvirtError as e:
        results[i] = (0, ["open: %s" % e])
        ready.abort()
        return
    ready.wait()
    end = time.monotonic() + seconds
    step = "define"
    try:
        while time.monotonic() < end:
            step = "define"
            dom = conn.defineXML(xml)
            step = "create"
            dom.create()
            step = "info"
            state = dom.info()[0]
            if state != libvirt.VIR_DOMAIN_RUNNING:
                failures.append("info: state %d after create, not running" % state)
                break
            step = "destroy"
            dom.destroy()
            step = "state"
            if dom.state()[0] != libvirt.VIR_DOMAIN_SHUTOFF:
                failures.append("state: not shut off after destroy")
                break
            loops += 1
    except libvirt.libvirtError as e:
        failures.append("%s: %s" % (step, e.get_error_message()))
    conn.close()
    results[i] = (loops, failures)


threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
failed = False
for i, (loops, failures) in enumerate(results):
    print("client %d: %d loops" % (i, loops))
    for f in failures:
        print("client %d failed: %s" % (i, f))
        failed = True
print("total: %d loops" % sum(r[0] for r in results))
sys.exit(1 if failed else 0)
