// SPDX-License-Identifier: GPL-3.0-or-later
#include "snapshot/qcow2.h"

#include <sstream>

#include "cvirt/error.h"
#include "util/process.h"

namespace cvirt::snapshot {

namespace {

std::string qemuImg(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"qemu-img"};
    argv.insert(argv.end(), args.begin(), args.end());
    util::ProcessResult r = util::runProcess(argv, util::ProcessOptions{.timeoutMs = 600000});
    if (r.status != 0) {
        std::string err = r.err.empty() ? r.out : r.err;
        while (!err.empty() && err.back() == '\n')
            err.pop_back();
        std::string cmd;
        for (const std::string& a : argv)
            cmd += (cmd.empty() ? "" : " ") + a;
        throw Error(ErrorCode::OperationFailed, "'" + cmd + "' failed: " + err);
    }
    return r.out;
}

}  // namespace

void qcow2Snapshot(const std::string& file, char op, const std::string& name) {
    qemuImg({"snapshot", std::string("-") + op, name, file});
}

std::vector<std::string> qcow2Snapshots(const std::string& file) {
    std::istringstream in(qemuImg({"snapshot", "-l", "-U", file}));
    std::vector<std::string> out;
    std::string line;
    // "ID  TAG  VM SIZE  DATE  VM CLOCK  ICOUNT" then one line per snapshot
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string id, tag;
        if (words >> id >> tag && !id.empty() && std::isdigit(static_cast<unsigned char>(id[0])))
            out.push_back(tag);
    }
    return out;
}

void qcow2Overlay(const std::string& overlay, const std::string& backing,
                  const std::string& backingFormat) {
    qemuImg({"create", "-q", "-f", "qcow2", "-b", backing, "-F", backingFormat, overlay});
}

std::string overlayName(const std::string& source, const std::string& snapshot) {
    size_t slash = source.rfind('/');
    size_t dot = source.rfind('.');
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash + 1))
        return source.substr(0, dot) + "." + snapshot;
    return source + "." + snapshot;
}

}  // namespace cvirt::snapshot
