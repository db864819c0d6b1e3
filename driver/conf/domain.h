// SPDX-License-Identifier: GPL-3.0-or-later
// Domain XML in and out: parse (RelaxNG first, then build), defaults, semantic checks, format.
#pragma once

#include <string>
#include <string_view>

#include "conf/domain_def.h"

namespace cvirt::conf {

inline constexpr std::string_view kLxcNamespaceUri = "http://libvirt.org/schemas/domain/lxc/1.0";
// cvirt's own extensions (<cvirt:resources>, …), kept by dumpxml and checked by our schema.
inline constexpr std::string_view kCvirtNamespaceUri = "http://cvirt.org/schemas/domain/cvirt/1.0";

struct ParseOptions {
    std::string_view filename = "domain XML";  // named in every error message
    bool validateSchema = true;  // false for files cvirt wrote itself (config store reads)
};

// Validates against schemas/domain.rng, then builds the model. Throws Error(XmlError) whose
// message starts with "FILE:LINE: <element>: ". Does not apply defaults or semantic checks.
DomainDef parseDomain(std::string_view xml, const ParseOptions& opts = {});

struct FormatFlags {
    // Live XML: <domain id='N'>, and every device has an alias (assignLiveAliases).
    std::optional<int> id;
};
std::string formatDomain(const DomainDef& def, const FormatFlags& flags = {});

// The only place defaults appear: uuid, currentMemory, vcpu placement, os arch, clock,
// lifecycle actions, console target, filesystem accessmode, interface MACs, …
void applyDefaults(DomainDef& def);

// A random MAC with libvirt's 52:54:00 prefix.
std::string randomMac();

// Rules the schema cannot state. Reads, never modifies; throws Error(XmlError or
// ConfigUnsupported) naming the rule and the offending value.
void validate(const DomainDef& def, std::string_view filename = "domain XML");

// What only start checks: the host must enforce what the definition asks for. cvirt applies
// no security module, so any <seclabel> other than type='none' is refused with
// Error(ConfigUnsupported) naming its model. Define keeps such labels (another host, or a
// later cvirt, may enforce them); start never ignores them.
void requireEnforceable(const DomainDef& def);

// What the XML of a running domain has that its definition does not (conf/live_state.cc).
// Device aliases as libvirt's drivers give them, to every device without one: fs0…, net0…,
// hostdev0… (with type='hostdev' interfaces), console0… for a container's consoles,
// serial0… for a VM's serial ports (its serial console repeats the first port's), disks
// diskAlias(), and a VM's channel0…, input0…, rng0…, video0…, balloon0 (controllers and
// graphics get none here). Aliases already there (user aliases ua-…) are kept and their
// names not reused.
void assignLiveAliases(DomainDef& def);
// Every device's alias with the element it belongs to ("disk", "channel", …), in document
// order of kinds: the one list of aliased devices for naming, dropping and the uniqueness
// check. A VM's serial console (the first <serial> again) is visited as "console".
// (`Def` is DomainDef or const DomainDef; `fn(alias, element)`.)
template <typename Def, typename Fn>
void forEachAlias(Def& def, Fn&& fn) {
    auto each = [&](auto& devices, const char* element) {
        for (auto& d : devices)
            fn(d.alias, element);
    };
    each(def.disks, "disk");
    each(def.filesystems, "filesystem");
    each(def.interfaces, "interface");
    each(def.serials, "serial");
    each(def.consoles, "console");
    each(def.hostdevs, "hostdev");
    each(def.controllers, "controller");
    each(def.channels, "channel");
    if (def.memballoon) fn(def.memballoon->alias, "memballoon");
    each(def.videos, "video");
    each(def.graphics, "graphics");
    each(def.inputs, "input");
    each(def.rngs, "rng");
}
// The host pty of the domain's console: a container's first <console>; a VM's first
// <serial> and the consoles that repeat it. Written as tty='…' and <source path='…'/>.
void recordConsolePty(DomainDef& def, const std::string& path);
// Removes what only a running domain has (aliases other than ua-…, pty paths), as libvirt's
// inactive parse ignores them: a stored definition never has them.
void dropLiveState(DomainDef& def);
// The bus of a VM disk: its <target bus>, else ide for hd*, virtio for the others.
DiskBus diskBus(const Disk& disk);
// hda → 0, hdb → 1, …, vda → 0: the letter after the prefix.
unsigned diskIndex(std::string_view target);
// libvirt's alias of a VM disk, which is its qemu device id too: virtio-disk<N>,
// ide0-<bus>-<unit>.
std::string diskAlias(const Disk& disk);

// parseDomain + applyDefaults + validate: what `define` does with user input.
DomainDef loadDomain(std::string_view xml, const ParseOptions& opts = {});

}  // namespace cvirt::conf
