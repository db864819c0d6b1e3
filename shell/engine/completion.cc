// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/completion.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include "engine/command.h"
#include "engine/dispatch.h"
#include "engine/grammar.h"

namespace cvirt::shell {

namespace {

bool startsWith(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

// Entries of the partial path's directory that start with its last part (hidden ones only
// when asked for with a leading dot), as the partial spells its directory; a directory ends
// in '/', to be completed into.
std::vector<std::string> paths(const std::string& partial, bool directoriesOnly) {
    size_t slash = partial.rfind('/');
    std::string dir = slash == std::string::npos ? "" : partial.substr(0, slash + 1);
    std::string base = slash == std::string::npos ? partial : partial.substr(slash + 1);
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.empty() ? "." : dir.c_str());
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        std::string_view name = e->d_name;
        if (name == "." || name == ".." || !startsWith(name, base)) continue;
        if (name[0] == '.' && base.empty()) continue;
        std::string path = dir + std::string(name);
        struct stat st {};
        bool isDir = e->d_type == DT_DIR || ((e->d_type == DT_LNK || e->d_type == DT_UNKNOWN) &&
                                             ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode));
        if (directoriesOnly && !isDir) continue;
        out.push_back(isDir ? path + "/" : path);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

template <typename Names>
void addMatching(std::vector<std::string>& out, const Names& names, const std::string& partial) {
    for (const auto& n : names)
        if (startsWith(n, partial)) out.emplace_back(n);
}

std::vector<std::string> commandNames() {
    std::vector<std::string> names;
    for (const Command& cmd : commandTable())
        if (cmd.group != "hidden") names.emplace_back(cmd.name);
    return names;
}

}  // namespace

std::string optionBeingFilled(const Command& cmd, const std::vector<std::string>& words) {
    po::options_description opts;
    po::positional_options_description pos;
    cmd.declare(opts, pos);
    std::vector<std::string> data = positionalNames(pos);  // still to be filled, in order
    const std::string argv = takesArgv(pos) && !data.empty() ? data.back() : std::string();
    auto given = [&](const std::string& name) {
        if (name != argv) std::erase(data, name);
    };
    bool dataOnly = false;
    std::string pending;  // an option named by the previous word, waiting for its value
    for (size_t i = 1; i + 1 < words.size(); ++i) {
        const std::string& w = words[i];
        if (!pending.empty()) {
            given(pending);
            pending.clear();
        } else if (!dataOnly && w == "--") {
            dataOnly = true;
        } else if (!dataOnly && startsWith(w, "--") && w.size() > 2) {
            std::string name = w.substr(2);
            size_t eq = name.find('=');
            if (eq != std::string::npos) {
                given(name.substr(0, eq));
                continue;
            }
            const po::option_description* o = opts.find_nothrow(name, false);
            if (o && o->semantic()->max_tokens() > 0)
                pending = name;
            else
                given(name);
        } else if (!data.empty()) {
            given(data.front());
        }
    }
    if (!pending.empty()) return pending;
    return data.empty() ? argv : data.front();
}

Completion complete(Session& s, const std::vector<std::string>& words) {
    Completion c;
    const std::string& partial = words.back();
    if (words.size() == 1) {
        addMatching(c.words, commandNames(), partial);
        return c;
    }
    const Command* cmd = findCommand(words[0]);
    if (!cmd) return c;
    // `--name=partial`: the value of that option, given back with its `--name=`
    std::string option, prefix, value = partial;
    if (size_t eq = partial.find('='); startsWith(partial, "--") && eq != std::string::npos) {
        option = partial.substr(2, eq - 2);
        prefix = partial.substr(0, eq + 1);
        value = partial.substr(eq + 1);
    } else {
        option = optionBeingFilled(*cmd, words);
        bool named = words.size() >= 3 && words[words.size() - 2] == "--" + option;
        if (startsWith(partial, "-") && !named) {
            po::options_description opts;
            po::positional_options_description pos;
            cmd->declare(opts, pos);
            for (const auto& o : opts.options())
                if (startsWith("--" + o->long_name(), partial))
                    c.words.push_back("--" + o->long_name());
            return c;
        }
    }
    // What the option holds, by its name; the command's own kind for its first argument.
    Complete kind = Complete::Nothing;
    if (option == "domain")
        kind = Complete::Domain;
    else if (option == "network")
        kind = Complete::Network;
    else if (option == "pool")
        kind = Complete::Pool;
    else if (option == "file" || option == "config" || option == "xml")
        kind = Complete::File;
    else if (!option.empty()) {
        po::options_description opts;
        po::positional_options_description pos;
        cmd->declare(opts, pos);
        if (pos.max_total_count() > 0 && pos.name_for_position(0) == option) kind = cmd->complete;
    }
    if (cmd->name == "help") addMatching(c.words, commandNames(), value);
    try {
        if (kind == Complete::Domain) addMatching(c.words, s.connection().domainNames(), value);
        if (kind == Complete::Network)
            for (const auto& n : s.connection().listNetworks(true, true))
                if (startsWith(n.name, value)) c.words.push_back(n.name);
        if (kind == Complete::Pool)
            for (const auto& p : s.connection().listPools(true, true))
                if (startsWith(p.name, value)) c.words.push_back(p.name);
    } catch (...) {
        // no connection: nothing to offer
    }
    if (kind == Complete::File || option == "dir") {
        c.words = paths(value, option == "dir");
        c.files = true;
    }
    for (auto& w : c.words)
        w = prefix + w;
    return c;
}

}  // namespace cvirt::shell
