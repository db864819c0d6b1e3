# SPDX-License-Identifier: GPL-3.0-or-later
# python3-libvirt's snapshot calls against cvirtd: remote_snapshot_test runs it with the
# socket and a defined, stopped container whose root file ROOT/etc/version it may change.
#   python3 python_snapshots.py SOCKET NAME ROOT
import sys

import libvirt

sock, name, root = sys.argv[1:4]
version = root + "/etc/version"
conn = libvirt.open("lxc+unix:///system?socket=" + sock)
dom = conn.lookupByName(name)
assert dom.hasCurrentSnapshot() == 0
assert dom.snapshotNum() == 0 and dom.listAllSnapshots() == []

open(version, "w").write("1\n")
a = dom.snapshotCreateXML("<domainsnapshot><name>a</name><description>first</description>"
                          "</domainsnapshot>")
assert a.getName() == "a" and a.getDomain().name() == name
open(version, "w").write("2\n")
b = dom.snapshotCreateXML("<domainsnapshot><name>b</name></domainsnapshot>")
c = dom.snapshotCreateXML("<domainsnapshot><name>c</name></domainsnapshot>")

assert dom.snapshotNum() == 3
assert dom.snapshotListNames() == ["a", "b", "c"]
assert [s.getName() for s in dom.listAllSnapshots()] == ["a", "b", "c"]
assert [s.getName() for s in dom.listAllSnapshots(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_ROOTS)] == ["a"]
assert [s.getName() for s in dom.listAllSnapshots(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_LEAVES)] == ["c"]
assert dom.listAllSnapshots(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE) == []
assert len(dom.listAllSnapshots(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE)) == 3
assert dom.snapshotLookupByName("b").getName() == "b"
assert b.getParent().getName() == "a"
assert [s.getName() for s in a.listAllChildren()] == ["b"]
assert [s.getName() for s in a.listAllChildren(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS)] == ["b", "c"]
assert a.numChildren() == 1 and a.listChildrenNames() == ["b"]
assert dom.hasCurrentSnapshot() == 1 and dom.snapshotCurrent().getName() == "c"
assert c.isCurrent() == 1 and a.isCurrent() == 0 and a.hasMetadata() == 1
assert "<description>first</description>" in a.getXMLDesc()
assert "<state>shutoff</state>" in a.getXMLDesc()

dom.revertToSnapshot(a)
assert open(version).read() == "1\n"
assert dom.snapshotCurrent().getName() == "a"
assert [d.name() for d in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT)] == [name]
assert conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT) == []

try:
    a.getParent()
    raise AssertionError("a root has a parent")
except libvirt.libvirtError as e:
    assert e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN_SNAPSHOT, e
try:
    dom.snapshotLookupByName("nope")
    raise AssertionError("a snapshot that is not there was found")
except libvirt.libvirtError as e:
    assert e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN_SNAPSHOT, e

b.delete(libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN)
assert dom.snapshotListNames() == ["a"]
a.delete()
assert dom.snapshotNum() == 0 and dom.hasCurrentSnapshot() == 0
conn.close()
print("python-libvirt snapshots: OK")
