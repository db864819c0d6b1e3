# SPDX-License-Identifier: GPL-3.0-or-later
# python3-libvirt's event loop against cvirtd: lifecycle and reboot callbacks for every domain
# and a lifecycle callback for one domain (OTHER); prints "ready" once registered, then one
# line per callback until COUNT arrived (or 60 s passed).
#   python3 event_client.py SOCKET OTHER COUNT
import sys
import time

import libvirt

sock, other, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
libvirt.virEventRegisterDefaultImpl()
conn = libvirt.open("lxc+unix:///system?socket=" + sock)
seen = []


def lifecycle(conn, dom, event, detail, opaque):
    seen.append("%s %s lifecycle %d %d" % (opaque, dom.name(), event, detail))


def reboot(conn, dom, opaque):
    seen.append("%s %s reboot" % (opaque, dom.name()))


conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lifecycle, "all")
conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, reboot, "all")
one = conn.domainEventRegisterAny(conn.lookupByName(other),
                                  libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lifecycle, "one")
libvirt.virEventAddTimeout(200, lambda timer, opaque: None, None)  # wakes the loop below
print("ready", flush=True)
deadline = time.time() + 60
while len(seen) < count and time.time() < deadline:
    libvirt.virEventRunDefaultImpl()
conn.domainEventDeregisterAny(one)
for line in seen:
    print(line)
conn.close()
