// SPDX-License-Identifier: GPL-3.0-or-later
// Internal: each file owns the parse and the format of one group of elements, so a change
// touches both or the round-trip tests fail. parse* reads from the <domain> (or <devices>)
// element into the model; format* appends to it in libvirt's canonical order.
#pragma once

#include <pugixml.hpp>

#include "conf/domain_def.h"
#include "conf/xml_util.h"

namespace cvirt::conf::detail {

// general.cc: name, uuid, title, description, metadata
void parseGeneral(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def);
void formatGeneral(const DomainDef& def, pugi::xml_node domain);

// resources.cc: maxMemory, memory, currentMemory, blkiotune, memtune, vcpu, cputune,
// numatune, resource
void parseResources(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def);
void formatResources(const DomainDef& def, pugi::xml_node domain);

// os.cc: os, idmap, features, clock, on_poweroff, on_reboot, on_crash
void parseOs(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def);
void formatOs(const DomainDef& def, pugi::xml_node domain);

// One file per device kind; each parses one element and formats one into <devices>.
Filesystem parseFilesystem(const XmlContext& ctx, pugi::xml_node node);  // filesystem.cc
void formatFilesystem(const Filesystem& fs, pugi::xml_node devices);
Interface parseInterface(const XmlContext& ctx, pugi::xml_node node);  // interface.cc
// The <ip> and <route> children of an <interface>, of its <source> (the host end of an
// ethernet one) and of a <hostdev type='net'>.
void parseIpConfig(const XmlContext& ctx, pugi::xml_node node, std::vector<IpAddress>& ips,
                   std::vector<Route>& routes);
void formatIpConfig(const std::vector<IpAddress>& ips, const std::vector<Route>& routes,
                    pugi::xml_node node);
void formatInterface(const Interface& net, pugi::xml_node devices);
CharDevice parseCharDevice(const XmlContext& ctx, pugi::xml_node node);  // chardev.cc
void formatCharDevice(const CharDevice& chr, pugi::xml_node devices);
Hostdev parseHostdev(const XmlContext& ctx, pugi::xml_node node);  // hostdev.cc
void formatHostdev(const Hostdev& dev, pugi::xml_node devices);
Disk parseDisk(const XmlContext& ctx, pugi::xml_node node);  // disk.cc
void formatDisk(const Disk& disk, pugi::xml_node devices);

// cpu.cc: <cpu> and <pm> (VMs); formatOs writes them in libvirt's order.
void parseCpuAndPm(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def);
void formatCpu(const DomainDef& def, pugi::xml_node domain);
void formatPm(const DomainDef& def, pugi::xml_node domain);

// vm_devices.cc: <controller>, <channel>, <memballoon>, <rng> (VMs).
Controller parseController(const XmlContext& ctx, pugi::xml_node node);
void formatController(const Controller& c, pugi::xml_node devices);
Channel parseChannel(const XmlContext& ctx, pugi::xml_node node);
void formatChannel(const Channel& c, pugi::xml_node devices);
Memballoon parseMemballoon(const XmlContext& ctx, pugi::xml_node node);
void formatMemballoon(const Memballoon& m, pugi::xml_node devices);
Rng parseRng(const XmlContext& ctx, pugi::xml_node node);
void formatRng(const Rng& r, pugi::xml_node devices);

// display.cc: <video>, <graphics>, <input> (VMs).
Video parseVideo(const XmlContext& ctx, pugi::xml_node node);
void formatVideo(const Video& v, pugi::xml_node devices);
Graphics parseGraphics(const XmlContext& ctx, pugi::xml_node node);
void formatGraphics(const Graphics& g, pugi::xml_node devices);
Input parseInput(const XmlContext& ctx, pugi::xml_node node);
void formatInput(const Input& i, pugi::xml_node devices);

// alias.cc: <alias name=…> inside any device element; "" when there is none.
std::string parseAlias(const XmlContext& ctx, pugi::xml_node device);
void formatAlias(const std::string& alias, pugi::xml_node device);

// seclabel.cc: the <seclabel> elements of <domain>, after <devices>.
void parseSeclabels(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def);
void formatSeclabels(const DomainDef& def, pugi::xml_node domain);

// lxc_namespace.cc: <PREFIX:namespace> where PREFIX is bound to kLxcNamespaceUri.
void parseLxcNamespace(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def);
void formatLxcNamespace(const DomainDef& def, pugi::xml_node domain);

// The prefix `domain` binds to namespace `uri` (xmlns:PREFIX='uri'), if any.
std::optional<std::string> namespacePrefix(pugi::xml_node domain, std::string_view uri);

// cvirt_ext.cc: <PREFIX:resources> where PREFIX is bound to kCvirtNamespaceUri.
void parseCvirtExtensions(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def);
void formatCvirtExtensions(const DomainDef& def, pugi::xml_node domain);

}  // namespace cvirt::conf::detail
