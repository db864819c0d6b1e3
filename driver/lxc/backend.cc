#include "lxc/backend.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "cgroup/domain_cgroup.h"
#include "conf/domain.h"
#include "cvirt/error.h"
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

void cleanupAfterCrash(const fs::path& root, const std::string& liveXml) noexcept {
    try {
        conf::DomainDef def =
            conf::parseDomain(liveXml, {.filename = "live XML", .validateSchema = false});
        cgroup::HostLayout host = cgroup::detectHost();
        cgroup::DomainCgroup::open(host, cgroup::placementFor(def, "lxc", root)).remove();
    } catch (...) {
        // best effort: a reader must not fail because a dead domain left a mess
    }
}

pid_t initPid(const state::DriverPaths& paths, const std::string& name) {
    auto text = util::readFileIfExists(paths.runDir / (name + ".pid"));
    if (!text) throw Error(ErrorCode::OperationInvalid, "domain '" + name + "' is not running");
    size_t sp = text->find(' ');
    return sp == std::string::npos ? -1 : std::atoi(text->c_str() + sp + 1);
}

}  // namespace cvirt::lxc
