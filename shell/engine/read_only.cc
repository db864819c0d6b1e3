// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/read_only.h"

#include <algorithm>
#include <iterator>

namespace cvirt::shell {

namespace {

constexpr std::string_view kReaders[] = {"dumpxml",
                                         "domuuid",
                                         "domname",
                                         "domid",
                                         "event",
                                         "nodeinfo",
                                         "hostname",
                                         "capabilities",
                                         "domcapabilities",
                                         "sysinfo",
                                         "domiflist",
                                         "domifaddr",
                                         "domif-getlink",
                                         "list",
                                         "dominfo",
                                         "domstate",
                                         "domxml-from-native",
                                         "domxml-to-native",
                                         "net-list",
                                         "net-info",
                                         "net-dumpxml",
                                         "net-uuid",
                                         "net-name",
                                         "net-dhcp-leases",
                                         "help",
                                         "uri",
                                         "version",
                                         "connect",
                                         "domstats",
                                         "dommemstat",
                                         "cpu-stats",
                                         "domblkstat",
                                         "domifstat",
                                         "top",
                                         "complete",
                                         "manpage",
                                         "quit",
                                         "echo",
                                         "pwd",
                                         "cd",
                                         "domblklist",
                                         "domhostname"};

// Commands that show their values without one, and set them with one.
constexpr std::string_view kTuners[] = {"memtune", "schedinfo",   "blkiotune",
                                        "vcpupin", "emulatorpin", "pidstune",
                                        "desc",    "metadata",    "domtime"};

}  // namespace

bool onlyReads(const Command& cmd, const po::variables_map& args) {
    auto in = [&](const auto& list) {
        return std::find(std::begin(list), std::end(list), cmd.name) != std::end(list);
    };
    if (in(kReaders)) return true;
    if (!in(kTuners)) return false;
    for (const auto& [name, value] : args) {
        if (name == "domain" || name == "config" || name == "live" || name == "current" ||
            name == "vcpu" || name == "uri" || name == "title" || name == "pretty" ||
            value.defaulted())
            continue;
        return false;
    }
    return true;
}

}  // namespace cvirt::shell
