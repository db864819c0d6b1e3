#include "engine/dispatch.h"

#include <algorithm>
#include <iomanip>
#include <limits>

#include "cvirt/error.h"
#include "engine/command.h"

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

}  // namespace

std::string synopsis(const Command& cmd) {
    po::options_description opts;
    po::positional_options_description pos;
    cmd.declare(opts, pos);
    std::string s(cmd.name);
    for (unsigned i = 0; i < pos.max_total_count() && i < 8; ++i) {
        std::string n = pos.name_for_position(i);
        if (n == "args") {
            s += " [--] <command>...";
            break;
        }
        // the last positional takes every remaining word
        bool rest = pos.max_total_count() == std::numeric_limits<unsigned>::max() &&
                    n == pos.name_for_position(pos.max_total_count() - 1);
        s += " <" + n + ">" + (rest ? "..." : "");
        if (rest) break;
    }
    for (const auto& o : opts.options()) {
        std::string n = o->long_name();
        bool positional = false;
        for (unsigned i = 0; i < pos.max_total_count() && i < 8; ++i)
            positional |= pos.name_for_position(i) == n;
        if (positional) continue;
        s += " [--" + n + (o->semantic()->max_tokens() > 0 ? " <" + n + ">]" : "]");
    }
    return s;
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
        out << "\n";
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
            std::string flag = "--" + o->long_name();
            if (o->semantic()->max_tokens() > 0) flag += " <string>";
            out << "    " << std::left << std::setw(24) << flag << " " << o->description() << "\n";
        }
        out << "\n";
    }
}

int runCommand(Session& s, const std::vector<std::string>& argv) {
    if (argv.empty()) return 0;
    const Command* cmd = findCommand(argv[0]);
    try {
        if (!cmd) {
            std::string msg = "unknown command: '" + argv[0] + "'";
            std::string near = suggestCommand(argv[0]);
            if (!near.empty()) msg += "\ndid you mean '" + near + "'?";
            throw Error(ErrorCode::InvalidArg, msg);
        }
        po::options_description opts;
        po::positional_options_description pos;
        cmd->declare(opts, pos);
        po::variables_map vm;
        std::vector<std::string> rest(argv.begin() + 1, argv.end());
        try {
            po::store(po::command_line_parser(rest)
                          .options(opts)
                          .positional(pos)
                          .style(po::command_line_style::default_style &
                                 ~po::command_line_style::allow_guessing)
                          .run(),
                      vm);
            po::notify(vm);
        } catch (const po::unknown_option& e) {
            throw Error(ErrorCode::InvalidArg, "command '" + std::string(cmd->name) +
                                                   "' doesn't support option " +
                                                   e.get_option_name());
        } catch (const po::required_option& e) {
            std::string n = e.get_option_name();
            if (n.rfind("--", 0) == 0) n = n.substr(2);
            throw Error(ErrorCode::InvalidArg,
                        "command '" + std::string(cmd->name) + "' requires <" + n + "> option");
        } catch (const po::too_many_positional_options_error&) {
            throw Error(ErrorCode::InvalidArg, "command '" + std::string(cmd->name) +
                                                   "': unexpected data '" + rest.back() + "'");
        } catch (const po::error& e) {
            throw Error(ErrorCode::InvalidArg,
                        "command '" + std::string(cmd->name) + "': " + e.what());
        }
        return cmd->run(s, vm);
    } catch (const Error& e) {
        s.out().flush();
        s.err() << "error: " << e.what() << "\n";
        s.err().flush();
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
    int status = 0;
    for (const auto& argv : cmds) {
        int rc = runCommand(s, argv);
        if (rc != 0) status = rc;
        if (s.quitRequested) break;
    }
    return status;
}

}  // namespace cvirt::shell
