# SPDX-License-Identifier: GPL-3.0-or-later
# python3-libvirt against cvirtd: remote_test runs it with the socket and a domain XML file.
#   python3 python_client.py SOCKET XMLFILE NAME
import sys

import libvirt

sock, xml_file, name = sys.argv[1:4]
conn = libvirt.open("lxc+unix:///system?socket=" + sock)
assert conn.getType() == "LXC", conn.getType()
assert conn.getLibVersion() == 9000000, conn.getLibVersion()
dom = conn.defineXML(open(xml_file).read())
assert dom.name() == name
assert [d.name() for d in conn.listAllDomains()] == [name]
assert conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE) == []
dom = conn.lookupByName(name)
assert conn.lookupByUUIDString(dom.UUIDString()).name() == name
dom.create()
state, max_mem, _, vcpus, _ = dom.info()
assert state == libvirt.VIR_DOMAIN_RUNNING and max_mem == 65536 and vcpus == 1, dom.info()
assert dom.isActive() == 1 and dom.ID() > 0
assert conn.lookupByID(dom.ID()).name() == name
assert "<name>%s</name>" % name in dom.XMLDesc()
assert [d.name() for d in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_RUNNING)] == [name]
dom.destroy()
assert dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF
dom.undefine()
try:
    conn.lookupByName(name)
    raise AssertionError("an undefined domain was found")
except libvirt.libvirtError as e:
    assert e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN, e
conn.close()
print("python-libvirt: OK")
