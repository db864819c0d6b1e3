#include "lxc/backend.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <set>

#include "cgroup/domain_cgroup.h"
#include "conf/domain.h"
#include "cvirt/error.h"
#include "net/netlink.h"
#include "state/uri.h"
#include "supervisor/client.h"
#include "util/file.h"
#include "util/process.h"

namespace cvirt::lxc {

namespace fs = std::filesystem;

std::string controllerPath() {
    return util::helperPath("cvirt-lxc-controller", "CVIRT_LXC_CONTROLLER");
}

void start(const std::string& uri, const state::DriverPaths& paths, const conf::DomainDef& def,
           int id) {
    supervisor::spawn(controllerPath(), uri, paths, def, id);
}

void cleanupAfterCrash(const fs::path& root, const state::StaleDomain& stale) noexcept {
    // Best effort throughout: a reader must not fail because a dead domain left a mess.
    std::optional<conf::DomainDef> def;
    try {
        if (stale.liveXml)
            def = conf::parseDomain(*stale.liveXml,
                                    {.filename = "live XML", .validateSchema = false});
    } catch (...) {
    }
    try {
        cgroup::HostLayout host = cgroup::detectHost();
        if (stale.owner && !stale.owner->cgroupLeaf.empty())
            cgroup::DomainCgroup::open(host, stale.owner->cgroupPartition, stale.owner->cgroupLeaf)
                .remove();
        else if (def)  // a controller from before owner records
            cgroup::DomainCgroup::open(host, cgroup::placementFor(*def, "lxc", root)).remove();
    } catch (...) {
    }
    // The veths would go with the container's namespace, but only once the kernel gets to it:
    // the names must be free now, for the next start.
    std::set<std::string> links;
    if (stale.owner) links.insert(stale.owner->links.begin(), stale.owner->links.end());
    if (def)  // also what was attached live
        for (const auto& n : def->interfaces)
            if (!n.targetDev.empty() && n.type != conf::NetType::Direct) links.insert(n.targetDev);
    if (links.empty()) return;
    try {
        net::Netlink nl = net::Netlink::open();
        for (const auto& l : links)
            nl.deleteLink(l);
    } catch (...) {
    }
}

pid_t initPid(const state::DriverPaths& paths, const std::string& name) {
    auto text = util::readFileIfExists(state::entryPath(paths.runDir, name, ".pid"));
    if (!text) throw Error(ErrorCode::OperationInvalid, "domain '" + name + "' is not running");
    size_t sp = text->find(' ');
    return sp == std::string::npos ? -1 : std::atoi(text->c_str() + sp + 1);
}

}  // namespace cvirt::lxc
