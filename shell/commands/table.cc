// SPDX-License-Identifier: GPL-3.0-or-later
// The one command table: every file's commands, the help groups, lookup by name or alias.
#include <algorithm>

#include "engine/command.h"

namespace cvirt::shell {

const std::vector<CommandGroup>& commandGroups() {
    static const std::vector<CommandGroup> groups = {
        {"domain", "Domain Management"}, {"monitor", "Domain Monitoring"},
        {"host", "Host and Hypervisor"}, {"network", "Networking"},
        {"snapshot", "Snapshot"},        {"pool", "Storage Pool"},
        {"volume", "Storage Volume"},    {"virsh", "Virsh itself"},
    };
    return groups;
}

const std::vector<Command>& commandTable() {
    static const std::vector<Command> table = [] {
        std::vector<Command> all;
        for (auto part : {domainCommands(), lifecycleCommands(), monitorCommands(), shellCommands(),
                          tuningCommands(), statsCommands(), interfaceCommands(), deviceCommands(),
                          networkCommands(), hostCommands(), nativeCommands(), eventCommands(),
                          toolingCommands(), metadataCommands(), guestCommands(),
                          snapshotCommands(), storageCommands()})
            all.insert(all.end(), part.begin(), part.end());
        std::sort(all.begin(), all.end(),
                  [](const Command& a, const Command& b) { return a.name < b.name; });
        return all;
    }();
    return table;
}

const Command* findCommand(std::string_view name) {
    for (const Command& c : commandTable()) {
        if (c.name == name) return &c;
        for (auto a : c.aliases)
            if (a == name) return &c;
    }
    return nullptr;
}

}  // namespace cvirt::shell
