// SPDX-License-Identifier: GPL-3.0-or-later
// The shell itself: help, uri, version, connect, echo, pwd, cd, quit.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

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

void declareEcho(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("shell", "escape for shell use")("xml", "escape for XML use")(
        "split", "split each argument on ','; ',,' is an escape sequence")(
        "err", "output to stderr")("string", po::value<std::vector<std::string>>(),
                                   "arguments to echo");
    pos.add("string", -1);
}
// Quoted only when the shell would read a character of it specially (virsh's
// virBufferEscapeShell).
std::string shellQuoted(const std::string& w) {
    if (!w.empty() && w.find_first_of("\r\t\n !\"#$&'()*;<>?[\\]^`{|}~") == std::string::npos)
        return w;
    std::string q = "'";
    for (char c : w)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}
std::string xmlEscaped(const std::string& w) {
    std::string x;
    for (char c : w) {
        switch (c) {
            case '<':
                x += "&lt;";
                break;
            case '>':
                x += "&gt;";
                break;
            case '&':
                x += "&amp;";
                break;
            case '"':
                x += "&quot;";
                break;
            case '\'':
                x += "&apos;";
                break;
            default:
                x += c;
        }
    }
    return x;
}
// virsh's echo (for scripts and tests): the words, escaped as asked, separated by spaces, or
// with --split one line per ','-separated piece (",," stands for a comma).
int cmdEcho(Session& s, const po::variables_map& args) {
    std::vector<std::string> words;
    if (args.count("string")) words = args["string"].as<std::vector<std::string>>();
    if (flag(args, "split")) {
        std::vector<std::string> pieces;
        for (const auto& w : words) {
            std::string cur;
            for (size_t i = 0; i < w.size(); ++i) {
                if (w[i] != ',') {
                    cur += w[i];
                } else if (i + 1 < w.size() && w[i + 1] == ',') {
                    cur += ',';
                    ++i;
                } else {
                    pieces.push_back(cur);
                    cur.clear();
                }
            }
            pieces.push_back(cur);
        }
        words = pieces;
    }
    std::string line;
    for (const auto& w : words) {
        std::string e = flag(args, "xml") ? xmlEscaped(w) : w;
        if (flag(args, "shell")) e = shellQuoted(e);
        if (flag(args, "split"))
            line += e + "\n";  // each piece on its line, then virsh's end of line
        else
            line += (line.empty() ? "" : " ") + e;
    }
    (flag(args, "err") ? s.err() : s.out()) << line << "\n";
    return 0;
}

int cmdPwd(Session& s, const po::variables_map&) {
    std::error_code ec;
    std::filesystem::path cwd = std::filesystem::current_path(ec);
    if (ec) throw Error(ErrorCode::SystemError, "pwd: cannot read the current directory");
    s.out() << cwd.string() << "\n";
    return 0;
}

void declareCd(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("dir", po::value<std::string>(),
                       "directory to switch to (default: home or else root)");
    pos.add("dir", 1);
}
int cmdCd(Session& s, const po::variables_map& args) {
    if (!s.interactive)
        throw Error(ErrorCode::OperationInvalid, "cd: command valid only in interactive mode");
    std::string dir;
    if (args.count("dir")) {
        dir = args["dir"].as<std::string>();
    } else {
        const char* home = std::getenv("HOME");
        dir = home && *home ? home : "/";
    }
    if (::chdir(dir.c_str()) < 0)
        throw Error(ErrorCode::SystemError,
                    std::string("cd: ") + std::strerror(errno) + ": " + dir);
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
        {"echo", "virsh", "echo arguments. Used for internal testing.",
         "Echo back arguments, possibly with quoting. Used for internal testing.", declareEcho,
         cmdEcho},
        {"pwd", "virsh", "print the current directory", "Print the current directory.",
         declareNothing, cmdPwd},
        {"cd", "virsh", "change the current directory", "Change the current directory.", declareCd,
         cmdCd, Complete::File},
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
