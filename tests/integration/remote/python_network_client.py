# SPDX-License-Identifier: GPL-3.0-or-later
# python3-libvirt's network calls against cvirtd: remote_network_test runs it with the
# connection URI, a network XML file, the network's name and its bridge.
#   python3 python_network_client.py URI XMLFILE NAME BRIDGE
import sys

import libvirt

uri, xml_file, name, bridge = sys.argv[1:5]
xml = open(xml_file).read()
conn = libvirt.open(uri)


def names(nets):
    return [n.name() for n in nets]


def expect_error(code, call, *args):
    try:
        call(*args)
    except libvirt.libvirtError as e:
        assert e.get_error_code() == code, (e.get_error_code(), e)
        return
    raise AssertionError("%s%r did not fail" % (call.__name__, args))


# defined, not active
net = conn.networkDefineXML(xml)
assert net.name() == name
assert names(conn.listAllNetworks()) == [name]
assert names(conn.listAllNetworks(libvirt.VIR_CONNECT_LIST_NETWORKS_INACTIVE)) == [name]
assert conn.listAllNetworks(libvirt.VIR_CONNECT_LIST_NETWORKS_ACTIVE) == []
assert conn.listAllNetworks(libvirt.VIR_CONNECT_LIST_NETWORKS_TRANSIENT) == []
assert conn.numOfNetworks() == 0 and conn.listNetworks() == []
assert conn.numOfDefinedNetworks() == 1 and conn.listDefinedNetworks() == [name]
assert net.isActive() == 0 and net.isPersistent() == 1 and net.autostart() == 0
assert conn.networkLookupByUUIDString(net.UUIDString()).name() == name
assert conn.networkLookupByUUID(net.UUID()).name() == name

# started: a bridge of the name the XML gave
net.create()
assert net.isActive() == 1
assert net.bridgeName() == bridge
assert conn.numOfNetworks() == 1 and conn.listNetworks() == [name]
assert conn.listDefinedNetworks() == []
assert names(conn.listAllNetworks(libvirt.VIR_CONNECT_LIST_NETWORKS_ACTIVE |
                                  libvirt.VIR_CONNECT_LIST_NETWORKS_PERSISTENT)) == [name]
assert "<bridge name='%s'" % bridge in net.XMLDesc(0), net.XMLDesc(0)
assert "<uuid>%s</uuid>" % net.UUIDString() in net.XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE)
assert net.DHCPLeases() == []
expect_error(libvirt.VIR_ERR_OPERATION_INVALID, net.create)  # already active

net.setAutostart(1)
assert net.autostart() == 1
assert names(conn.listAllNetworks(libvirt.VIR_CONNECT_LIST_NETWORKS_AUTOSTART)) == [name]
assert conn.listAllNetworks(libvirt.VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART) == []
net.setAutostart(0)
assert net.autostart() == 0

net.destroy()
assert net.isActive() == 0
net.undefine()
expect_error(libvirt.VIR_ERR_NO_NETWORK, conn.networkLookupByName, name)
assert conn.listAllNetworks() == []

# the flags calls (VALIDATE: every XML is checked against the schema) and a transient network
net = conn.networkDefineXMLFlags(xml, libvirt.VIR_NETWORK_DEFINE_VALIDATE)
expect_error(libvirt.VIR_ERR_NETWORK_EXIST, conn.networkCreateXML, xml)  # defined already
net.undefine()
net = conn.networkCreateXMLFlags(xml, libvirt.VIR_NETWORK_CREATE_VALIDATE)
assert net.isActive() == 1 and net.isPersistent() == 0
assert names(conn.listAllNetworks(libvirt.VIR_CONNECT_LIST_NETWORKS_TRANSIENT)) == [name]
net.destroy()
expect_error(libvirt.VIR_ERR_NO_NETWORK, conn.networkLookupByName, name)
net = conn.networkCreateXML(xml)
assert net.bridgeName() == bridge
net.destroy()

# bad XML is refused with nothing left behind
expect_error(libvirt.VIR_ERR_XML_ERROR, conn.networkDefineXML, "<network><bogus/></network>")
assert conn.listAllNetworks() == []
conn.close()
print("python-libvirt networks: OK")
