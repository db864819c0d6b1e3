// SPDX-License-Identifier: GPL-3.0-or-later
// Monitoring: list, dominfo, domstate.
#include <cstdio>
#include <iomanip>

#include "commands/common.h"
#include "engine/table.h"

namespace cvirt::shell {

namespace {

void declareList(po::options_description& opts, po::positional_options_description&) {
    opts.add_options()("all", "list inactive & active domains")(
        "inactive", "list inactive domains")("persistent", "list persistent domains")(
        "transient", "list transient domains")("autostart", "list domains with autostart enabled")(
        "no-autostart", "list domains with autostart disabled")("name", "list domain names only")(
        "uuid", "list uuid's only")("id", "list domain IDs only")("title", "show domain title")(
        "table", "list table (default)")("state-running", "list domains in running state")(
        "state-paused", "list domains in paused state")(
        "state-shutoff", "list domains in shutoff state")("state-other",
                                                          "list domains in other states")(
        "managed-save", "mark inactive domains with managed save state (cvirt keeps none)")(
        "type", "show each domain's type (lxc, qemu, kvm) in a column after its name");
}

// --state-*: none given keeps every state; any given also lists inactive domains (virsh).
bool stateWanted(const po::variables_map& args, DomainState st) {
    bool running = flag(args, "state-running"), paused = flag(args, "state-paused"),
         shutoff = flag(args, "state-shutoff"), other = flag(args, "state-other");
    if (!running && !paused && !shutoff && !other) return true;
    switch (st) {
        case DomainState::Running:
            return running;
        case DomainState::Paused:
            return paused;
        case DomainState::Shutoff:
            return shutoff;
        default:
            return other;
    }
}

int cmdList(Session& s, const po::variables_map& args) {
    for (const char* only : {"name", "uuid", "id"})
        if (flag(args, "table") && flag(args, only))
            throw Error(ErrorCode::InvalidArg,
                        std::string("Options --table and --") + only + " are mutually exclusive");
    const bool byState = flag(args, "state-running") || flag(args, "state-paused") ||
                         flag(args, "state-shutoff") || flag(args, "state-other");
    ListFilter f;
    f.inactive = flag(args, "all") || flag(args, "inactive") || byState;
    f.active = !flag(args, "inactive");
    f.needUuid = flag(args, "uuid");
    f.needTitle = flag(args, "title");
    f.needAutostart = flag(args, "autostart") || flag(args, "no-autostart");
    std::vector<DomainSummary> doms = s.connection().list(f);
    std::vector<const DomainSummary*> shown;
    for (const auto& d : doms) {
        if (flag(args, "persistent") && !d.persistent) continue;
        if (flag(args, "transient") && d.persistent) continue;
        if (flag(args, "autostart") && !d.autostart) continue;
        if (flag(args, "no-autostart") && d.autostart) continue;
        if (!stateWanted(args, d.state)) continue;
        shown.push_back(&d);
    }
    std::ostream& out = s.out();
    if (flag(args, "name") || flag(args, "uuid") || flag(args, "id")) {
        for (const auto* d : shown) {
            if (flag(args, "id") && !d->id) continue;
            if (flag(args, "id")) out << *d->id;
            if (flag(args, "uuid")) out << (flag(args, "id") ? " " : "") << d->uuid;
            if (flag(args, "name"))
                out << (flag(args, "id") || flag(args, "uuid") ? " " : "") << d->name;
            out << "\n";
        }
        return 0;
    }
    // virsh's columns, which scripts parse; the kind of each domain only when asked for.
    const bool withType = flag(args, "type");
    std::vector<std::string> header = {"Id", "Name"};
    if (withType) header.push_back("Type");
    header.push_back("State");
    if (flag(args, "title")) header.push_back("Title");
    Table t(header);
    for (const auto* d : shown) {
        std::vector<std::string> row = {d->id ? std::to_string(*d->id) : "-", d->name};
        if (withType) row.push_back(d->type);
        row.push_back(std::string(stateName(d->state)));
        if (flag(args, "title")) row.push_back(d->title);
        t.add(std::move(row));
    }
    t.print(out, !s.quiet);
    return 0;
}

void row(std::ostream& out, const char* label, const std::string& value) {
    out << std::left << std::setw(15) << label << " " << value << "\n";
}

int cmdDominfo(Session& s, const po::variables_map& args) {
    DomainInfo info = lookupDomain(s, args).info();
    const DomainSummary& d = info.summary;
    std::ostream& out = s.out();
    row(out, "Id:", d.id ? std::to_string(*d.id) : "-");
    row(out, "Name:", d.name);
    row(out, "UUID:", d.uuid);
    row(out, "OS Type:", info.osType);
    row(out, "State:", std::string(stateName(d.state)));
    row(out, "CPU(s):", std::to_string(info.vcpus));
    if (d.state == DomainState::Running || d.state == DomainState::Paused) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(info.cpuTimeNs) / 1e9);
        row(out, "CPU time:", buf);
    }
    row(out, "Max memory:", std::to_string(info.maxMemKiB) + " KiB");
    row(out, "Used memory:", std::to_string(info.usedMemKiB) + " KiB");
    row(out, "Persistent:", d.persistent ? "yes" : "no");
    row(out, "Autostart:", d.autostart ? "enable" : "disable");
    row(out, "Managed save:", "no");
    row(out, "Security model:", "none");
    row(out, "Security DOI:", "0");
    return 0;
}

void declareDomstate(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("reason", "also print reason for the state");
}
int cmdDomstate(Session& s, const po::variables_map& args) {
    DomainSummary d = lookupDomain(s, args).summary();
    s.out() << stateName(d.state);
    if (flag(args, "reason")) s.out() << " (" << stateReasonName(d.state, d.reason) << ")";
    s.out() << "\n";
    return 0;
}

}  // namespace

std::vector<Command> monitorCommands() {
    return {
        {"list", "monitor", "list domains", "Returns list of domains.", declareList, cmdList},
        {"dominfo", "monitor", "domain information", "Returns basic information about the domain.",
         declareDomain, cmdDominfo, Complete::Domain},
        {"domstate", "monitor", "domain state", "Returns state about a domain.", declareDomstate,
         cmdDomstate, Complete::Domain},
    };
}

}  // namespace cvirt::shell
