#include "lxc/backend.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "cgroup/domain_cgroup.h"
#include "conf/domain.h"
#include "cvirt/error.h"
#include "lxc/control_protocol.h"
#include "util/file.h"
#include "util/process.h"

namespace cvirt::lxc {

namespace fs = std::filesystem;

std::string controllerPath() {
    return util::helperPath("cvirt-lxc-controller", "CVIRT_LXC_CONTROLLER");
}

void start(const std::string& uri, const state::DriverPaths& paths, const conf::DomainDef& def,
           int id) {
    std::string exe = controllerPath();
    std::string xml = conf::formatDomain(def);
    int in[2], ready[2];
    if (::pipe2(in, O_CLOEXEC) < 0 || ::pipe2(ready, O_CLOEXEC) < 0)
        throwSystemError(errno, "cannot create pipes for the controller");
    util::Fd inRead(in[0]), inWrite(in[1]), readyRead(ready[0]), readyWrite(ready[1]);
    std::string idText = std::to_string(id);

    pid_t pid = ::fork();
    if (pid < 0) throwSystemError(errno, "cannot fork the controller");
    if (pid == 0) {
        // Detach: own session, and a grandchild so the shell never has to reap it.
        ::setsid();
        if (::fork() != 0) _exit(0);
        ::dup2(inRead.get(), STDIN_FILENO);
        ::dup2(readyWrite.get(), 3);  // dup2 clears close-on-exec
        const char* argv[] = {exe.c_str(), "--uri",        uri.c_str(),  "--name", def.name.c_str(),
                              "--id",      idText.c_str(), "--ready-fd", "3",      nullptr};
        ::execv(exe.c_str(), const_cast<char**>(argv));
        _exit(127);
    }
    inRead.reset();
    readyWrite.reset();
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    size_t off = 0;
    while (off < xml.size()) {
        ssize_t n = ::write(inWrite.get(), xml.data() + off, xml.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        off += static_cast<size_t>(n);
    }
    inWrite.reset();
    std::string reply;
    char buf[512];
    for (;;) {
        ssize_t n = ::read(readyRead.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        reply.append(buf, static_cast<size_t>(n));
    }
    while (!reply.empty() && reply.back() == '\n')
        reply.pop_back();
    if (reply == "ok") return;
    if (reply.rfind("error ", 0) == 0) {
        std::string rest = reply.substr(6);
        size_t sp = rest.find(' ');
        int code = std::atoi(rest.substr(0, sp).c_str());
        throw Error(static_cast<ErrorCode>(code),
                    sp == std::string::npos ? rest : rest.substr(sp + 1));
    }
    throw Error(ErrorCode::OperationFailed,
                "the controller of '" + def.name + "' exited before the container started (see " +
                    (paths.logDir / (def.name + ".log")).string() + ")");
}

namespace {
std::string socketPath(const state::DriverPaths& paths, const std::string& name) {
    return (paths.runDir / (name + ".sock")).string();
}
}  // namespace

void destroy(const state::DriverPaths& paths, const std::string& name) {
    util::Fd fd = connectController(socketPath(paths, name));
    controllerRequest(fd.get(), "destroy");  // returns at close: all is gone
}

void shutdown(const state::DriverPaths& paths, const std::string& name) {
    util::Fd fd = connectController(socketPath(paths, name));
    std::string reply = controllerRequest(fd.get(), "shutdown");
    if (reply != "ok")
        throw Error(ErrorCode::OperationFailed, "cannot shut down '" + name + "': " + reply);
}

void reboot(const state::DriverPaths& paths, const std::string& name) {
    util::Fd fd = connectController(socketPath(paths, name));
    controllerRequest(fd.get(), "reboot");
}

util::Fd openConsole(const state::DriverPaths& paths, const std::string& name, bool force) {
    util::Fd fd = connectController(socketPath(paths, name));
    std::string reply = controllerRequest(fd.get(), force ? "console force" : "console");
    if (reply != "ok")
        throw Error(ErrorCode::OperationInvalid,
                    "cannot open the console of '" + name +
                        "': " + (reply.rfind("error ", 0) == 0 ? reply.substr(6) : reply));
    return fd;
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
