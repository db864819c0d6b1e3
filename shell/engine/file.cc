// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/file.h"

#include <cerrno>
#include <cstdio>
#include <memory>

#include "cvirt/error.h"

namespace cvirt::shell {

namespace {

struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, Closer>;

File openFile(const std::string& path, const char* mode, const char* verb) {
    File f(std::fopen(path.c_str(), mode));
    if (!f) throwSystemError(errno, std::string("cannot ") + verb + " '" + path + "'");
    return f;
}

}  // namespace

std::string readFile(const std::string& path) {
    File f = openFile(path, "re", "read");
    std::string data;
    char buf[8192];
    while (size_t n = std::fread(buf, 1, sizeof buf, f.get()))
        data.append(buf, n);
    if (std::ferror(f.get())) throwSystemError(errno, "cannot read '" + path + "'");
    return data;
}

void writeFile(const std::string& path, std::string_view data) {
    File f = openFile(path, "we", "write");
    if (std::fwrite(data.data(), 1, data.size(), f.get()) != data.size() ||
        std::fflush(f.get()) != 0)
        throwSystemError(errno, "cannot write '" + path + "'");
}

}  // namespace cvirt::shell
