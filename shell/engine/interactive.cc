// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/interactive.h"

#include <readline/history.h>
#include <readline/readline.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "cvirt/error.h"
#include "engine/command.h"
#include "engine/completion.h"
#include "engine/dispatch.h"

namespace cvirt::shell {

namespace {

Session* gSession = nullptr;
std::vector<std::string> gMatches;

char* nextMatch(const char*, int state) {
    static size_t i;
    if (state == 0) i = 0;
    if (i >= gMatches.size()) return nullptr;
    return ::strdup(gMatches[i++].c_str());
}

char** completeLine(const char* text, int start, int) {
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
    Completion c = complete(*gSession, words);
    if (c.files && text[0] != '-') return nullptr;  // readline's own file names (quoting)
    ::rl_attempted_completion_over = 1;
    gMatches = std::move(c.words);
    return ::rl_completion_matches(text, nextMatch);
}

// virsh's history: $XDG_CACHE_HOME/cvirsh/history (~/.cache/cvirsh/history), at most
// $CVIRSH_HISTSIZE lines, 500 unless set, 0 to 500000.
constexpr int kHistoryMax = 500000;

int historySize() {
    const char* env = std::getenv("CVIRSH_HISTSIZE");
    if (!env) return 500;
    int n = 0;
    auto [end, ec] = std::from_chars(env, env + std::strlen(env), n);
    if (ec != std::errc() || *end || !*env)
        throw Error(ErrorCode::InvalidArg, "Bad $CVIRSH_HISTSIZE value.");
    if (n < 0 || n > kHistoryMax)
        throw Error(ErrorCode::InvalidArg, "$CVIRSH_HISTSIZE value should be between 0 and " +
                                               std::to_string(kHistoryMax));
    return n;
}

std::filesystem::path historyDir() {
    const char* cache = std::getenv("XDG_CACHE_HOME");
    if (cache && *cache) return std::filesystem::path(cache) / "cvirsh";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".cache" / "cvirsh";
}

}  // namespace

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
    ::rl_attempted_completion_function = completeLine;
    ::rl_completer_word_break_characters = const_cast<char*>(" \t\n;");  // `--file=x` is a word
    ::using_history();
    try {
        ::stifle_history(historySize());
    } catch (const Error& e) {  // as virsh, which will not start
        s.err() << "error: " << e.what() << "\n";
        return 1;
    }
    std::filesystem::path dir = historyDir(), hist = dir / "history";
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
    std::error_code ec;  // an unwritable cache directory is not an error, as for virsh
    std::filesystem::create_directories(dir, ec);
    ::write_history(hist.c_str());
    return 0;
}

}  // namespace cvirt::shell
