// SPDX-License-Identifier: GPL-3.0-or-later
// Running domains: start, create, destroy, shutdown, reboot, console, lxc-enter-namespace,
// exec, autostart-run.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "commands/common.h"
#include "cvirt/error.h"
#include "engine/console_client.h"
#include "engine/file.h"
#include "engine/xpath.h"

namespace cvirt::shell {

namespace {

using Json = nlohmann::json;

int attachConsole(Session& s, Domain& d, bool force, const std::string& devname = {}) {
    return runConsole(d.openConsole(force, devname), d.name(), s.out(), s.escape);
}

void declareStart(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("console", "attach to console after creation")(
        "paused", "leave the guest paused after creation")(
        "autodestroy", "automatically destroy the guest when cvirsh quits (or is killed)")(
        "force-boot", "force fresh boot by discarding any managed save");
}
int cmdStart(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    act(d, "Failed to start domain",
        [&] { d.start(flag(args, "paused"), flag(args, "autodestroy")); });
    s.info() << "Domain '" << d.name() << "' started\n";
    if (flag(args, "console")) return attachConsole(s, d, false);
    return 0;
}

void declareCreate(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("file", po::value<std::string>()->required(),
                       "file containing an XML domain description")(
        "console", "attach to console after creation")(
        "autodestroy", "automatically destroy the guest when cvirsh quits (or is killed)");
    pos.add("file", 1);
}
int cmdCreate(Session& s, const po::variables_map& args) {
    std::string file = args["file"].as<std::string>();
    std::string xml = readFile(file);
    Domain d = failingAs("Failed to create domain from " + file, "", [&] {
        return s.connection().create(xml, file, flag(args, "autodestroy"));
    });
    s.info() << "Domain '" << d.name() << "' created from " << file << "\n";
    if (flag(args, "console")) return attachConsole(s, d, false);
    return 0;
}

void declareDestroy(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("graceful", "terminate gracefully");
}
int cmdDestroy(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    act(d, "Failed to destroy domain", [&] { d.destroy(flag(args, "graceful")); });
    s.info() << "Domain '" << d.name() << "' destroyed\n";
    return 0;
}

void declareShutdown(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("mode", po::value<std::string>(),
                       "shutdown mode: acpi|agent|initctl|signal|paravirt");
}
// virsh's --mode: a comma separated list of virDomainShutdownFlagValues names.
unsigned modesOf(const po::variables_map& args) {
    if (!args.count("mode")) return 0;
    static const std::pair<const char*, unsigned> kModes[] = {{"acpi", Domain::kModeAcpi},
                                                              {"agent", Domain::kModeAgent},
                                                              {"initctl", Domain::kModeInitctl},
                                                              {"signal", Domain::kModeSignal},
                                                              {"paravirt", Domain::kModeParavirt}};
    unsigned modes = 0;
    std::string list = args["mode"].as<std::string>();
    for (size_t at = 0; at <= list.size();) {
        size_t comma = std::min(list.find(',', at), list.size());
        std::string word = list.substr(at, comma - at);
        unsigned bit = 0;
        for (const auto& [name, value] : kModes)
            if (word == name) bit = value;
        if (!bit)
            throw Error(
                ErrorCode::InvalidArg,
                "Unknown mode " + word +
                    " value, expecting 'acpi', 'agent', 'initctl', 'signal', or 'paravirt'");
        modes |= bit;
        at = comma + 1;
    }
    return modes;
}
int cmdShutdown(Session& s, const po::variables_map& args) {
    unsigned modes = modesOf(args);
    Domain d = lookupDomain(s, args);
    act(d, "Failed to shutdown domain", [&] { d.shutdown(modes); });
    s.info() << "Domain '" << d.name() << "' is being shutdown\n";
    return 0;
}

int cmdReboot(Session& s, const po::variables_map& args) {
    unsigned modes = modesOf(args);
    Domain d = lookupDomain(s, args);
    act(d, "Failed to reboot domain", [&] { d.reboot(modes); });
    s.info() << "Domain '" << d.name() << "' is being rebooted\n";
    return 0;
}

int cmdSuspend(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    act(d, "Failed to suspend domain", [&] { d.suspend(); });
    s.info() << "Domain '" << d.name() << "' suspended\n";
    return 0;
}

int cmdResume(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    act(d, "Failed to resume domain", [&] { d.resume(); });
    s.info() << "Domain '" << d.name() << "' resumed\n";
    return 0;
}

void declareConsole(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("devname", po::value<std::string>(),
                       "character device name (console0, console1: a container's ttys)")(
        "force", "force console connection (disconnect already connected sessions)")(
        "safe", "only connect if safe console handling is supported");
}
int cmdConsole(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    if (args.count("devname")) {
        // the console of that alias (console0, console1… of a container, serial0 of a VM)
        std::string name = args["devname"].as<std::string>();
        auto aliases = selectFields(d.xml(), "/domain/devices/console|/domain/devices/serial",
                                    {"alias/@name"});
        bool found = false;
        for (const auto& a : aliases)
            found |= a[0] == name;
        if (!found)
            throw Error(ErrorCode::Internal,
                        "internal error: cannot find console device '" + name + "'");
    }
    // libvirt-lxc takes no flags; qemu's pty console is safe to share (one client at a time)
    if (flag(args, "safe") && d.summary().type == "lxc")
        throw Error(ErrorCode::InvalidArg,
                    "unsupported flags (0x2) in function lxcDomainOpenConsole");
    std::string devname = args.count("devname") ? args["devname"].as<std::string>() : "";
    return attachConsole(s, d, flag(args, "force"), devname);
}

void declareEnter(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("domain", po::value<std::string>()->required(), "domain name, id or uuid")(
        "noseclabel", "Do not change process security label")(
        "env", po::value<std::vector<std::string>>()->composing(),
        "NAME=VALUE added to the command's environment (repeatable); the caller's own "
        "environment never passes")("cmd", po::value<std::vector<std::string>>()->required(),
                                    "command to run");
    pos.add("domain", 1).add("cmd", -1);
}
int cmdEnter(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    s.out().flush();
    std::vector<std::string> env;
    if (args.count("env")) env = args["env"].as<std::vector<std::string>>();
    return d.exec(args["cmd"].as<std::vector<std::string>>(), env);
}

int cmdAutostartRun(Session& s, const po::variables_map&) {
    // pools and networks first: domains need their volumes and bridges
    auto pools = s.connection().autostartPools([](const std::string& name, const Error& e) {
        std::cerr << "error: cannot autostart pool '" << name << "': " << e.what() << "\n";
    });
    for (const auto& p : pools)
        s.info() << "Pool " << p << " started\n";
    auto nets = s.connection().autostartNetworks([](const std::string& name, const Error& e) {
        std::cerr << "error: cannot autostart network '" << name << "': " << e.what() << "\n";
    });
    for (const auto& n : nets)
        s.info() << "Network " << n << " started\n";
    auto started = s.connection().autostartAll([](const std::string& name, const Error& e) {
        std::cerr << "error: cannot autostart domain '" << name << "': " << e.what() << "\n";
    });
    for (const auto& n : started)
        s.info() << "Domain '" << n << "' started\n";
    return 0;
}

void declareMonitor(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("domain", po::value<std::string>()->required(), "domain name, id or uuid")(
        "hmp", "command is in human monitor protocol")(
        "pretty", "pretty-print any qemu monitor protocol output")(
        "return-value", "extract the value of the 'return' key from the returned string")(
        "cmd", po::value<std::vector<std::string>>()->required(), "command");
    pos.add("domain", 1).add("cmd", -1);
}
// virsh qemu-monitor-command: QMP passthrough (or HMP through human-monitor-command).
int cmdMonitor(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    std::string cmd;
    for (const auto& part : args["cmd"].as<std::vector<std::string>>())
        cmd += (cmd.empty() ? "" : " ") + part;
    if (flag(args, "hmp")) {
        s.out() << d.qemuMonitorCommand(cmd, true);
        return 0;
    }
    Json answer = Json::parse(d.qemuMonitorCommand(cmd), nullptr, false);
    if (answer.is_discarded())
        throw Error(ErrorCode::OperationFailed, "unreadable answer from the monitor");
    if (answer.contains("error"))
        throw Error(ErrorCode::OperationFailed,
                    "internal error: unable to execute QEMU command '" + cmd +
                        "': " + answer["error"].value("desc", std::string("failed")));
    const Json& shown = flag(args, "return-value") ? answer["return"] : answer;
    if (shown.is_string())
        s.out() << shown.get<std::string>() << "\n";
    else
        s.out() << (flag(args, "pretty") ? shown.dump(2) : shown.dump()) << "\n";
    return 0;
}

}  // namespace

std::vector<Command> lifecycleCommands() {
    return {
        {"start", "domain", "start a (previously defined) inactive domain",
         "Start a (previously defined) inactive domain; --paused freezes it (cgroup freezer, a "
         "VM's CPUs) before the command returns.",
         declareStart, cmdStart, Complete::Domain},
        {"create", "domain", "create a domain from an XML file",
         "Create a domain (transient: it has no persistent config).", declareCreate, cmdCreate},
        {"destroy", "domain", "destroy (stop) a domain",
         "Forcefully stop a given domain: every process of a container, or the VM's qemu, is "
         "killed. --graceful sends init (qemu) SIGTERM only and fails if it has not ended "
         "within 10 s.",
         declareDestroy, cmdDestroy, Complete::Domain},
        {"shutdown", "domain", "gracefully shutdown a domain",
         "Ask the domain to stop: a container's init gets SIGTERM and SIGPWR, a VM the ACPI power "
         "button; it is killed after shutdown_timeout. --mode: a container honours signal "
         "(initctl only with signal), a VM acpi or paravirt; others get libvirt's refusal.",
         declareShutdown, cmdShutdown, Complete::Domain},
        {"reboot", "domain", "reboot a domain",
         "Restart a running domain in place (same id; a VM is reset); --mode as shutdown's.",
         declareShutdown, cmdReboot, Complete::Domain},
        {"suspend", "domain", "suspend a domain",
         "Freeze every process of a running container (cgroup freezer) or a VM's CPUs.",
         declareDomain, cmdSuspend, Complete::Domain},
        {"resume", "domain", "resume a domain", "Thaw a suspended domain.", declareDomain,
         cmdResume, Complete::Domain},
        {"console", "domain", "connect to the guest console",
         "Connect the terminal to the domain's console; Ctrl-] (or the character of -e) leaves.",
         declareConsole, cmdConsole, Complete::Domain},
        {"lxc-enter-namespace", "domain", "LXC Guest Enter Namespace",
         "Run an arbitrary command in a lxc guest namespace; use at your own risk.", declareEnter,
         cmdEnter, Complete::Domain},
        {"exec", "domain", "run a command inside a running container",
         "Run a command in every namespace of a running container, stdio passed through; "
         "returns its exit status.",
         declareEnter, cmdEnter, Complete::Domain},
        {"qemu-monitor-command", "domain", "QEMU Monitor Command",
         "Send a QMP command (JSON) to a running VM's monitor and print qemu's answer; --hmp "
         "sends a human monitor command.",
         declareMonitor, cmdMonitor, Complete::Domain},
        {"autostart-run", "domain", "start every autostart domain",
         "Start the networks, then the domains, marked autostart that are not running (for a boot "
         "service).",
         declareNothing, cmdAutostartRun},
    };
}

}  // namespace cvirt::shell
