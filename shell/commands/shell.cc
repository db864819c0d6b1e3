// The shell itself: help, uri, version, connect, quit.
#include "commands/common.h"
#include "engine/dispatch.h"

namespace cvirt::shell {

namespace {

void declareHelp(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()(
        "command", po::value<std::string>(),
        "Prints global help, command specific help, or help for a group of related commands");
    pos.add("command", 1);
}
int cmdHelp(Session& s, const po::variables_map& args) {
    printHelp(s, args.count("command") ? args["command"].as<std::string>() : std::string());
    return 0;
}

int cmdUri(Session& s, const po::variables_map&) {
    s.out() << s.connection().uri() << "\n";
    return 0;
}

int cmdVersion(Session& s, const po::variables_map&) {
    s.out() << "Compiled against library: cvirt " << version() << "\n"
            << "Using library: cvirt " << version() << "\n"
            << "Using API: cvirt " << version() << "\n"
            << "Running hypervisor: Linux containers (cvirt) " << version() << "\n";
    return 0;
}

void declareConnect(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("name", po::value<std::string>(), "hypervisor connection URI");
    pos.add("name", 1);
}
int cmdConnect(Session& s, const po::variables_map& args) {
    s.reconnect(args.count("name") ? args["name"].as<std::string>() : std::string());
    return 0;
}

int cmdQuit(Session& s, const po::variables_map&) {
    s.quitRequested = true;
    return 0;
}

}  // namespace

std::vector<Command> shellCommands() {
    return {
        {"help", "virsh", "print help",
         "Prints global help, command specific help, or help for a\n    group of related commands",
         declareHelp, cmdHelp},
        {"uri", "virsh", "print the hypervisor canonical URI",
         "Print the canonical URI of the connection.", declareNothing, cmdUri},
        {"version", "virsh", "show version", "Display the cvirt version.", declareNothing,
         cmdVersion},
        {"connect", "virsh", "(re)connect to hypervisor",
         "Connect to a local driver (lxc, qemu, cvirt; system or embed).", declareConnect,
         cmdConnect},
        {"quit",
         "virsh",
         "quit this interactive terminal",
         "Quit this interactive terminal.",
         declareNothing,
         cmdQuit,
         Complete::Nothing,
         {"exit"}},
    };
}

}  // namespace cvirt::shell
