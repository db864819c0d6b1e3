// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/dispatch.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iomanip>

#include "cvirt/error.h"
#include "engine/command.h"
#include "engine/grammar.h"
#include "engine/read_only.h"

namespace cvirt::shell {

std::vector<std::vector<std::string>> splitCommands(std::string_view line) {
    std::vector<std::vector<std::string>> cmds(1);
    std::string cur;
    bool inWord = false;
    char quote = 0;
    auto endWord = [&] {
        if (inWord) cmds.back().push_back(cur);
        cur.clear();
        inWord = false;
    };
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quote) {
            if (c == quote)
                quote = 0;
            else if (c == '\\' && quote == '"' && i + 1 < line.size())
                cur += line[++i];
            else
                cur += c;
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
            inWord = true;
        } else if (c == '\\' && i + 1 < line.size()) {
            cur += line[++i];
            inWord = true;
        } else if (c == ';') {
            endWord();
            if (!cmds.back().empty()) cmds.emplace_back();
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            endWord();
        } else if (c == '#' && !inWord && cmds.back().empty()) {
            break;  // a comment line
        } else {
            cur += c;
            inWord = true;
        }
    }
    if (quote) throw Error(ErrorCode::InvalidArg, "missing closing quote in the command line");
    endWord();
    if (cmds.back().empty()) cmds.pop_back();
    return cmds;
}

namespace {

size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

// How virsh's help spells an option (vshCmddefHelp): data are "<name>", the argument vector
// "{[--name] <string>}..." when data come before it (else "<name>..."), others "[--name]".
struct Spelling {
    std::string synopsis, option;
};
Spelling spell(const po::option_description& o, const po::positional_options_description& pos) {
    const std::vector<std::string> data = positionalNames(pos);
    const std::string& n = o.long_name();
    const bool required = o.semantic()->is_required();
    const bool value = o.semantic()->max_tokens() > 0;
    if (std::find(data.begin(), data.end(), n) == data.end())
        return {value ? "[--" + n + " <" + n + ">]" : "[--" + n + "]",
                "--" + n + (value ? " <string>" : "")};
    if (takesArgv(pos) && n == data.back()) {
        if (data.size() == 1)
            return {required ? "<" + n + ">..." : "[<" + n + ">]...", "<" + n + ">"};
        return {required ? "{[--" + n + "] <string>}..." : "[[--" + n + "] <string>]...",
                "[--" + n + "] <string>"};
    }
    return {required ? "<" + n + ">" : "[--" + n + " <string>]", "[--" + n + "] <string>"};
}

}  // namespace

std::string synopsis(const Command& cmd) {
    po::options_description opts;
    po::positional_options_description pos;
    cmd.declare(opts, pos);
    const std::vector<std::string> data = positionalNames(pos);
    std::string s(cmd.name), argv;
    for (const auto& o : opts.options()) {
        std::string part = " " + spell(*o, pos).synopsis;
        if (takesArgv(pos) && o->long_name() == data.back())
            argv = part;  // virsh lists it last
        else
            s += part;
    }
    return s + argv;
}

std::string suggestCommand(std::string_view typed) {
    std::string best;
    size_t bestDist = 3;
    for (const Command& c : commandTable()) {
        size_t d = editDistance(typed, c.name);
        if (d < bestDist) bestDist = d, best = std::string(c.name);
    }
    return best;
}

void printHelp(Session& s, std::string_view topic) {
    std::ostream& out = s.out();
    if (topic.empty()) {
        out << "Grouped commands:\n\n";
        for (const CommandGroup& g : commandGroups()) {
            out << " " << g.title << " (help keyword '" << g.keyword << "'):\n";
            for (const Command& c : commandTable())
                if (c.group == g.keyword)
                    out << "    " << std::left << std::setw(30) << c.name << " " << c.summary
                        << "\n";
            out << "\n";
        }
        return;
    }
    for (const CommandGroup& g : commandGroups()) {
        if (g.keyword != topic) continue;
        out << " " << g.title << " (help keyword '" << g.keyword << "'):\n";
        for (const Command& c : commandTable())
            if (c.group == g.keyword)
                out << "    " << std::left << std::setw(30) << c.name << " " << c.summary << "\n";
        return;
    }
    const Command* cmd = findCommand(topic);
    if (!cmd) {
        std::string msg = "command or command group '" + std::string(topic) + "' doesn't exist";
        throw Error(ErrorCode::InvalidArg, msg);
    }
    po::options_description opts;
    po::positional_options_description pos;
    cmd->declare(opts, pos);
    out << "  NAME\n    " << cmd->name << " - " << cmd->summary << "\n\n"
        << "  SYNOPSIS\n    " << synopsis(*cmd) << "\n\n"
        << "  DESCRIPTION\n    " << cmd->description << "\n\n";
    if (!opts.options().empty()) {
        out << "  OPTIONS\n";
        for (const auto& o : opts.options()) {
            std::string flag = spell(*o, pos).option;
            out << "    " << std::left << std::setw(15) << flag << "  " << o->description() << "\n";
        }
        out << "\n";
    }
}

namespace {

// What virsh prints after each command that ran, failed or not (vshCommandRun): a blank
// line (not with -q), or with -t the time it took. The tools' hidden commands print only
// their own output, exec (cvirt's) only the program's, so it pipes, echo (as virsh's) only
// its words, and quit nothing.
void endOfCommand(Session& s, const Command& cmd, std::chrono::steady_clock::time_point start) {
    if (cmd.group == "hidden" || cmd.name == "exec" || cmd.name == "echo" || s.quitRequested)
        return;
    if (!s.timing) {
        s.info() << "\n";
        return;
    }
    std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - start;
    char line[64];
    std::snprintf(line, sizeof line, "\n(Time: %.3f ms)\n\n", ms.count());
    s.out() << line;
}

}  // namespace

int runCommand(Session& s, const std::vector<std::string>& argv) {
    if (argv.empty()) return 0;
    const Command* cmd = findCommand(argv[0]);
    const auto start = std::chrono::steady_clock::now();
    bool ran = false;
    try {
        if (!cmd) {
            std::string msg = "unknown command: '" + argv[0] + "'";
            std::string near = suggestCommand(argv[0]);
            if (!near.empty()) msg += "\ndid you mean '" + near + "'?";
            throw Error(ErrorCode::InvalidArg, msg);
        }
        ParsedCommand parsed = parseCommand(*cmd, {argv.begin() + 1, argv.end()});
        ran = true;
        if (parsed.help) {
            printHelp(s, cmd->name);
            endOfCommand(s, *cmd, start);
            return 0;
        }
        s.log(1, "commands: \"" + std::string(cmd->name) + "\"");
        if (s.readonly && !onlyReads(*cmd, parsed.args))
            throw Error(ErrorCode::OperationInvalid,
                        "operation forbidden: read only access prevents " + std::string(cmd->name));
        int rc = cmd->run(s, parsed.args);
        endOfCommand(s, *cmd, start);
        return rc;
    } catch (const Error& e) {
        s.out().flush();
        s.err() << "error: " << e.what() << "\n";
        s.err().flush();
        s.log(4, e.what());
        if (ran) endOfCommand(s, *cmd, start);
        return 1;
    }
}

int runLine(Session& s, std::string_view line) {
    std::vector<std::vector<std::string>> cmds;
    try {
        cmds = splitCommands(line);
    } catch (const Error& e) {
        s.err() << "error: " << e.what() << "\n";
        return 1;
    }
    int status = 0;  // virsh's: the last command's
    for (const auto& argv : cmds) {
        status = runCommand(s, argv);
        if (s.quitRequested) break;
    }
    return status;
}

}  // namespace cvirt::shell
