// SPDX-License-Identifier: GPL-3.0-or-later
// One table drives dispatch, help, completion and the man page (virsh's vshCmdDef).
#pragma once

#include <boost/program_options.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace cvirt::shell {

namespace po = boost::program_options;

class Session;

// What Tab completes for a command's positional arguments.
enum class Complete { Nothing, Domain, File, Network, Pool };

struct Command {
    std::string_view name;
    std::string_view group;  // "domain", "monitor", "host", "virsh"
    std::string_view summary;
    std::string_view description;
    // Options in virsh spelling; positionals map onto named options (virsh accepts both
    // "dominfo web" and "dominfo --domain web").
    void (*declare)(po::options_description& opts, po::positional_options_description& pos);
    int (*run)(Session& session, const po::variables_map& args);
    Complete complete = Complete::Nothing;
    std::vector<std::string_view> aliases = {};
};

struct CommandGroup {
    std::string_view keyword;
    std::string_view title;
};

const std::vector<Command>& commandTable();
const std::vector<CommandGroup>& commandGroups();
const Command* findCommand(std::string_view name);

// Table parts, one per file under shell/commands/.
std::vector<Command> domainCommands();
std::vector<Command> monitorCommands();
std::vector<Command> lifecycleCommands();
std::vector<Command> shellCommands();
std::vector<Command> snapshotCommands();
std::vector<Command> tuningCommands();
std::vector<Command> statsCommands();
std::vector<Command> interfaceCommands();
std::vector<Command> deviceCommands();
std::vector<Command> networkCommands();
std::vector<Command> hostCommands();
std::vector<Command> nativeCommands();
std::vector<Command> eventCommands();
std::vector<Command> toolingCommands();
std::vector<Command> metadataCommands();
std::vector<Command> guestCommands();
std::vector<Command> storageCommands();

}  // namespace cvirt::shell
