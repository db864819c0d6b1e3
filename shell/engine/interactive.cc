#include "engine/interactive.h"

#include <readline/history.h>
#include <readline/readline.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "engine/command.h"
#include "engine/dispatch.h"

namespace cvirt::shell {

namespace {

Session* gSession = nullptr;
std::vector<std::string> gMatches;

bool startsWith(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

char* nextMatch(const char*, int state) {
    static size_t i;
    if (state == 0) i = 0;
    if (i >= gMatches.size()) return nullptr;
    return ::strdup(gMatches[i++].c_str());
}

char** complete(const char* text, int start, int) {
    ::rl_attempted_completion_over = 1;
    std::string before(::rl_line_buffer, static_cast<size_t>(start));
    size_t semi = before.rfind(';');
    if (semi != std::string::npos) before = before.substr(semi + 1);
    std::vector<std::string> words;
    try {
        auto parts = splitCommands(before);
        if (!parts.empty()) words = parts.back();
    } catch (...) {
    }
    words.push_back(text);
    gMatches = completions(*gSession, words);
    return ::rl_completion_matches(text, nextMatch);
}

std::string historyPath() {
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.cvirsh_history";
}

}  // namespace

std::vector<std::string> completions(Session& s, const std::vector<std::string>& words) {
    std::vector<std::string> out;
    const std::string& partial = words.back();
    if (words.size() == 1) {
        for (const Command& c : commandTable())
            if (c.group != "hidden" && startsWith(c.name, partial)) out.emplace_back(c.name);
        return out;
    }
    const Command* cmd = findCommand(words[0]);
    if (!cmd) return out;
    if (startsWith(partial, "-")) {
        po::options_description opts;
        po::positional_options_description pos;
        cmd->declare(opts, pos);
        for (const auto& o : opts.options()) {
            std::string flag = "--" + o->long_name();
            if (startsWith(flag, partial)) out.push_back(flag);
        }
        return out;
    }
    if (cmd->complete == Complete::Domain) {
        try {
            for (const auto& n : s.connection().domainNames())
                if (startsWith(n, partial)) out.push_back(n);
        } catch (...) {
        }
    }
    if (cmd->complete == Complete::Network) {
        try {
            for (const auto& n : s.connection().listNetworks(true, true))
                if (startsWith(n.name, partial)) out.push_back(n.name);
        } catch (...) {
        }
    }
    if (cmd->name == "help")
        for (const Command& c : commandTable())
            if (startsWith(c.name, partial)) out.emplace_back(c.name);
    return out;
}

int runInteractive(Session& s) {
    s.interactive = true;
    if (!::isatty(STDIN_FILENO)) {
        // Commands from a pipe or file, one line each, no prompt (virsh does the same).
        std::string line;
        int status = 0;
        while (!s.quitRequested && std::getline(std::cin, line)) {
            int rc = runLine(s, line);
            if (rc) status = rc;
        }
        return status;
    }
    gSession = &s;
    ::rl_readline_name = "cvirsh";
    ::rl_attempted_completion_function = complete;
    std::string hist = historyPath();
    ::using_history();
    ::read_history(hist.c_str());
    if (!s.quiet)
        s.out() << "Welcome to cvirsh, the cvirt interactive terminal.\n\n"
                << "Type:  'help' for help with commands\n"
                << "       'quit' to quit\n\n";
    s.out().flush();
    while (!s.quitRequested) {
        char* raw = ::readline("cvirsh # ");
        if (!raw) {
            s.out() << "\n";
            break;
        }
        std::string line(raw);
        std::free(raw);
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        ::add_history(line.c_str());
        runLine(s, line);
        s.out().flush();
    }
    ::write_history(hist.c_str());  // an unwritable HOME is not an error
    return 0;
}

}  // namespace cvirt::shell
