# SPDX-License-Identifier: GPL-3.0-or-later
# python3-libvirt's typed-parameter and stats calls against cvirtd: remote_params_test runs it
# and checks each printed value against the domain's real one.
#   python3 python_params.py SOCKET NAME
import sys

import libvirt

sock, name = sys.argv[1:3]
conn = libvirt.open("lxc+unix:///system?socket=" + sock)
dom = conn.lookupByName(name)


def show(key, value):
    print("  %s=%s" % (key, value))


records = conn.getAllDomainStats(libvirt.VIR_DOMAIN_STATS_STATE | libvirt.VIR_DOMAIN_STATS_BALLOON)
show("all.domains", ",".join(sorted(d.name() for d, _ in records)))
stats = dict((d.name(), s) for d, s in records)[name]
show("all.state.state", stats["state.state"])
show("all.balloon.maximum", stats["balloon.maximum"])

records = conn.domainListGetStats([dom], libvirt.VIR_DOMAIN_STATS_VCPU)
show("list.domains", ",".join(d.name() for d, _ in records))
show("list.vcpu.maximum", records[0][1]["vcpu.maximum"])
records = conn.getAllDomainStats(libvirt.VIR_DOMAIN_STATS_STATE,
                                 libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING)
show("running.domains", ",".join(d.name() for d, _ in records))

show("memory.hard_limit.before", dom.memoryParameters(0)["hard_limit"])
dom.setMemoryParameters({"hard_limit": 40960}, libvirt.VIR_DOMAIN_AFFECT_LIVE)
show("memory.hard_limit.after", dom.memoryParameters(libvirt.VIR_DOMAIN_AFFECT_LIVE)["hard_limit"])

show("scheduler.type", "%s %d" % tuple(dom.schedulerType()))
before = dom.schedulerParameters()
show("scheduler.cpu_shares.before", before["cpu_shares"])
show("scheduler.vcpu_quota.before", before["vcpu_quota"])
dom.setSchedulerParameters({"cpu_shares": 2048})
show("scheduler.cpu_shares.after",
     dom.schedulerParametersFlags(libvirt.VIR_DOMAIN_AFFECT_LIVE)["cpu_shares"])

show("blkio.weight", dom.blkioParameters(0)["weight"])
show("vcpus", "%d %d" % (dom.vcpusFlags(libvirt.VIR_DOMAIN_VCPU_MAXIMUM), dom.maxVcpus()))
conn.close()
