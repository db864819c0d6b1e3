// SPDX-License-Identifier: GPL-3.0-or-later
// libnftables is not available as a static library: the work is done by cvirt-nft (linked
// dynamically, run only by net-start and net-destroy), so cvirsh and the controller stay
// static.
#include "net/nftables.h"

#include "cvirt/error.h"
#include "util/process.h"

namespace cvirt::net {

namespace {
std::string nftHelper() {
    return util::helperPath("cvirt-nft", "CVIRT_NFT_HELPER");
}
std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}
}  // namespace

void nftRun(const std::string& commands) {
    util::ProcessResult r = util::runProcess({nftHelper(), "run"}, commands);
    if (r.status != 0)
        throw Error(ErrorCode::OperationFailed, "nftables refused the rules: " + trimmed(r.err));
}

std::string nftListTable(const std::string& family, const std::string& name) {
    util::ProcessResult r = util::runProcess({nftHelper(), "list", family, name});
    return r.status == 0 ? r.out : std::string();
}

}  // namespace cvirt::net
