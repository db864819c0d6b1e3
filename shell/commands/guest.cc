// SPDX-License-Identifier: GPL-3.0-or-later
// What a guest holds or reports beyond its resources: domblklist, domhostname, domtime,
// setvcpus, domrename.
#include "commands/common.h"
#include "cvirt/error.h"
#include "engine/table.h"
#include "engine/xpath.h"

namespace cvirt::shell {

namespace {

void declareBlklist(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("inactive", "get inactive rather than running configuration")(
        "details", "additionally display the type and device value");
}
// virsh reads the <disk> elements of the XML (a container's filesystems are none of them).
int cmdBlklist(Session& s, const po::variables_map& args) {
    std::string xml = lookupDomain(s, args).xml(flag(args, "inactive"));
    bool details = flag(args, "details");
    auto disks = selectFields(
        xml, "/domain/devices/disk",
        {"@type", "@device", "target/@dev", "source/@file|source/@dev|source/@dir|source/@name"});
    Table t(details ? std::vector<std::string>{"Type", "Device", "Target", "Source"}
                    : std::vector<std::string>{"Target", "Source"});
    for (const auto& d : disks) {
        std::string source = d[3].empty() ? std::string(1, '-') : d[3];
        if (details)
            t.add({d[0], d[1], d[2], source});
        else
            t.add({d[2], source});
    }
    t.print(s.out(), !s.quiet);
    return 0;
}

void declareHostname(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("source", po::value<std::string>(), "address source: 'lease' or 'agent'");
}
int cmdHostname(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    if (args.count("source")) {
        std::string src = args["source"].as<std::string>();
        if (src != "lease" && src != "agent")
            throw Error(ErrorCode::InvalidArg, "Unknown data source '" + src + "'");
    }
    std::string name = failingAs("failed to get hostname", "domain '" + d.name() + "'",
                                 [&] { return d.hostname(); });
    s.out() << name << "\n";
    return 0;
}

void declareTime(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("now", "set to the time of the host running virsh")(
        "pretty", "print domain's time in human readable form")(
        "sync", "instead of setting given time, synchronize from domain's RTC")(
        "time", po::value<long long>(), "time to set");
}
int cmdTime(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    inLibvirtWords(d, [&] { d.guestTime(); });  // libvirt's refusal
    return 0;
}

void declareSetvcpus(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("count", po::value<unsigned>()->required(), "number of virtual CPUs")(
        "maximum", "set maximum limit on next boot");
    pos.add("count", 1);
    declareImpact(opts);
    opts.add_options()("guest", "modify cpu state in the guest")(
        "hotpluggable", "make added vcpus hot(un)pluggable");
}
int cmdSetvcpus(Session& s, const po::variables_map& args) {
    if (args["count"].as<unsigned>() == 0)
        throw Error(ErrorCode::InvalidArg, "Can't set 0 processors for a VM");
    Domain::VcpuFlags flags{.maximum = flag(args, "maximum"),
                            .guest = flag(args, "guest"),
                            .hotpluggable = flag(args, "hotpluggable")};
    Impact impact = impactOf(args);
    if (flags.guest && impact.config)
        throw Error(ErrorCode::InvalidArg, "Options --guest and --config are mutually exclusive");
    if (flags.maximum && !impact.config)
        throw Error(ErrorCode::InvalidArg, "Option --config is required by option --maximum");
    // no flag at all: virsh calls virDomainSetVcpus, which is the running domain's count
    if (!impact.live && !impact.config && !flag(args, "current") && !flags.maximum &&
        !flags.guest && !flags.hotpluggable)
        impact.live = true;
    Domain d = lookupDomain(s, args);
    inLibvirtWords(d, [&] { d.setVcpus(args["count"].as<unsigned>(), flags, impact); });
    return 0;
}

void declareRename(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("new-name", po::value<std::string>()->required(), "new domain name");
    pos.add("new-name", 1);
}
int cmdRename(Session& s, const po::variables_map& args) {
    std::string name = args["new-name"].as<std::string>();
    if (name.empty())
        throw Error(ErrorCode::InvalidArg,
                    "Failed to get option 'new-name': Option argument is empty");
    Domain d = lookupDomain(s, args);
    inLibvirtWords(d, [&] { d.rename(name); });
    s.info() << "Domain successfully renamed\n";
    return 0;
}

}  // namespace

std::vector<Command> guestCommands() {
    return {
        {"domblklist", "monitor", "list all domain blocks",
         "Get the summary of block devices for a domain (its <disk> elements; a container's "
         "filesystems are not block devices).",
         declareBlklist, cmdBlklist, Complete::Domain},
        {"domhostname", "domain", "print the domain's hostname",
         "Print the hostname a running container has now (its UTS namespace); a VM's needs a "
         "guest agent, which cvirt's VMs have none of.",
         declareHostname, cmdHostname, Complete::Domain},
        {"domtime", "domain", "domain time",
         "Gets or sets the domain's system time: libvirt does this through the qemu guest agent "
         "only, which cvirt's VMs have none of, and not for containers: refused.",
         declareTime, cmdTime, Complete::Domain},
        {"setvcpus", "domain", "change number of virtual CPUs",
         "Change the number of virtual CPUs of a VM: --live hot-plugs vcpus through QMP up to "
         "the maximum it was started with (and unplugs those hot-plugged, once the guest lets "
         "them go); --config changes its definition, --maximum the limit (config only). "
         "--guest needs a guest agent, which cvirt's VMs have none of; --hotpluggable: live "
         "vcpus are hot-pluggable anyway, a definition cannot mark them (refused with "
         "--config). Containers have no vcpus to set (use schedinfo, vcpupin).",
         declareSetvcpus, cmdSetvcpus, Complete::Domain},
        {"domrename", "domain", "rename a domain",
         "Rename an inactive, persistent domain: its uuid, definition and autostart mark go "
         "with it.",
         declareRename, cmdRename, Complete::Domain},
    };
}

}  // namespace cvirt::shell
