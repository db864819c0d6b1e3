// SPDX-License-Identifier: GPL-3.0-or-later
#include "conf/lxc_native_read.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "conf/text_check.h"

namespace cvirt::conf::lxcread {

std::string trim(std::string_view s) {
    size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    size_t e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::istringstream in{std::string(s)};
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

std::vector<std::string> quotedWords(std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    bool inWord = false;
    char quote = 0;
    for (char c : s) {
        if (quote) {
            if (c == quote)
                quote = 0;
            else
                cur += c;
        } else if (c == '"' || c == '\'') {
            quote = c;
            inWord = true;
        } else if (c == ' ' || c == '\t') {
            if (inWord) out.push_back(std::move(cur));
            cur.clear();
            inWord = false;
        } else {
            cur += c;
            inWord = true;
        }
    }
    if (inWord) out.push_back(std::move(cur));
    return out;
}

void refuseBadLine(std::string_view raw, const std::string& file, int line, std::string_view what) {
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    auto why = textProblem(raw, TextKind::Line);
    if (!why) return;
    std::string name(what);
    if (name.empty()) name = printable(trim(raw.substr(0, raw.find('='))));
    throw Error(ErrorCode::InvalidArg,
                file + ":" + std::to_string(line) + ": " + name + ": " + *why);
}

Error bad(const Entry& e, const std::string& why) {
    return Error(ErrorCode::InvalidArg, e.where() + ": " + e.key + " = " + e.value + ": " + why);
}

namespace {

// The 1.x/2.x spellings of keys that have a 3.x name.
const std::map<std::string, std::string> kRenamed = {
    {"lxc.utsname", "lxc.uts.name"},       {"lxc.rootfs", "lxc.rootfs.path"},
    {"lxc.id_map", "lxc.idmap"},           {"lxc.tty", "lxc.tty.max"},
    {"lxc.init_cmd", "lxc.init.cmd"},      {"lxc.init_uid", "lxc.init.uid"},
    {"lxc.init_gid", "lxc.init.gid"},      {"lxc.console", "lxc.console.path"},
    {"lxc.mount", "lxc.mount.fstab"},      {"lxc.logfile", "lxc.log.file"},
    {"lxc.loglevel", "lxc.log.level"},     {"lxc.pts", "lxc.pty.max"},
    {"lxc.haltsignal", "lxc.signal.halt"}, {"lxc.stopsignal", "lxc.signal.stop"},
};

class Reader {
public:
    explicit Reader(const NativeReader& read) : read_(read) {}

    void parse(std::string_view text, const std::string& file, int depth) {
        if (depth > 8) throw Error(ErrorCode::InvalidArg, file + ": lxc.include nests too deep");
        std::istringstream in{std::string(text)};
        int n = 0;
        for (std::string raw; std::getline(in, raw);) {
            ++n;
            refuseBadLine(raw, file, n, "");
            std::string line = trim(raw);
            if (line.empty() || line[0] == '#') continue;
            size_t eq = line.find('=');
            if (eq == std::string::npos)
                throw Error(ErrorCode::InvalidArg, file + ":" + std::to_string(n) +
                                                       ": expected 'key = value', got '" + line +
                                                       "'");
            Entry e{trim(line.substr(0, eq)), trim(line.substr(eq + 1)), file, n};
            if (e.key == "lxc.include") {
                include(e, depth);
                continue;
            }
            if (auto it = kRenamed.find(e.key); it != kRenamed.end()) e.key = it->second;
            // lxc.network.* is a sequence (each type starts a NIC); lxc.net.N.* is indexed.
            if (e.key.rfind("lxc.network.", 0) == 0) {
                std::string rest = e.key.substr(12);
                if (rest == "type") ++legacyNic_;
                if (rest == "ipv4" || rest == "ipv6") rest += ".address";
                e.key = "lxc.net." + std::to_string(std::max(legacyNic_, 0)) + "." + rest;
            }
            entries.push_back(std::move(e));
        }
    }

    std::vector<Entry> entries;

private:
    // Files read in all, not only nesting: eight levels of a few includes each would
    // otherwise parse millions of files (a 3 KB config that never finishes).
    static constexpr int kMaxIncludedFiles = 256;
    void countFile(const Entry& e) {
        if (++includedFiles_ > kMaxIncludedFiles)
            throw bad(e,
                      "more than " + std::to_string(kMaxIncludedFiles) + " files included in all");
    }

    void include(const Entry& e, int depth) {
        countFile(e);
        auto content = read_(e.value);
        if (!content) throw bad(e, "cannot read the included file");
        if (content->rfind("dir:", 0) == 0) {  // a directory: its *.conf files in order
            std::istringstream names(*content);
            for (std::string l; std::getline(names, l);) {
                std::string path = e.value + "/" + l.substr(4);
                countFile(e);
                auto text = read_(path);
                if (!text) throw bad(e, "cannot read '" + path + "'");
                parse(*text, path, depth + 1);
            }
            return;
        }
        parse(*content, e.value, depth + 1);
    }

    const NativeReader& read_;
    int legacyNic_ = -1;
    int includedFiles_ = 0;
};

}  // namespace

std::vector<Entry> readEntries(std::string_view text, const std::string& file,
                               const NativeReader& read) {
    Reader reader(read);
    reader.parse(text, file, 0);
    return std::move(reader.entries);
}

}  // namespace cvirt::conf::lxcread
