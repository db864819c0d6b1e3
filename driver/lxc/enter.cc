#include "lxc/enter.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cvirt/error.h"
#include "security/caps.h"
#include "security/confine.h"
#include "util/fd.h"

namespace cvirt::lxc {

namespace {

struct NsKind {
    const char* name;
    int type;
};
// The user namespace goes last: joining it first would drop our rights over the others.
constexpr NsKind kNamespaces[] = {{"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC},
                                  {"uts", CLONE_NEWUTS},       {"net", CLONE_NEWNET},
                                  {"pid", CLONE_NEWPID},       {"mnt", CLONE_NEWNS},
                                  {"user", CLONE_NEWUSER}};

int waitStatus(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return 255;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int runInside(pid_t initPid, const conf::DomainDef& def, const std::vector<std::string>& argv,
              cgroup::DomainCgroup* cgroup) {
    if (argv.empty()) throw Error(ErrorCode::InvalidArg, "no command given");
    // Open every namespace first: after joining the mount namespace /proc is the container's.
    std::vector<std::pair<util::Fd, int>> join;
    for (const NsKind& ns : kNamespaces) {
        std::string mine = std::string("/proc/self/ns/") + ns.name;
        std::string theirs = "/proc/" + std::to_string(initPid) + "/ns/" + ns.name;
        struct stat a {
        }, b{};
        if (::stat(theirs.c_str(), &b) < 0)
            throwSystemError(errno, "cannot open namespace '" + theirs + "'");
        if (::stat(mine.c_str(), &a) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
            continue;  // shared with the host (e.g. no private network)
        util::Fd fd(::open(theirs.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throwSystemError(errno, "cannot open namespace '" + theirs + "'");
        join.emplace_back(std::move(fd), ns.type);
    }
    std::vector<std::string> drop = security::capsToDrop(def);
    bool userns = !def.idmap.empty();

    pid_t helper = ::fork();
    if (helper < 0) throwSystemError(errno, "cannot fork");
    if (helper == 0) {
        // The cgroup first: its paths are the host's, before the mount namespace changes.
        if (cgroup) {
            try {
                cgroup->attach(::getpid());
            } catch (const Error& e) {
                std::fprintf(stderr, "error: cannot join the container's cgroup: %s\n", e.what());
                _exit(255);
            }
        }
        for (auto& [fd, type] : join) {
            if (::setns(fd.get(), type) < 0) {
                std::fprintf(stderr, "error: cannot join the container's namespaces: %s\n",
                             std::strerror(errno));
                _exit(255);
            }
        }
        // A new pid namespace applies to children only.
        pid_t child = ::fork();
        if (child < 0) _exit(255);
        if (child == 0) {
            try {
                if (::chdir("/") < 0) throwSystemError(errno, "cannot enter '/'");
                if (userns && (::setresgid(0, 0, 0) < 0 || ::setresuid(0, 0, 0) < 0))
                    throwSystemError(errno, "cannot become root in the container");
                security::confine(def, drop);
                std::vector<char*> args;
                for (const auto& a : argv)
                    args.push_back(const_cast<char*>(a.c_str()));
                args.push_back(nullptr);
                ::setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
                ::setenv("container", "cvirt", 1);
                ::execvp(args[0], args.data());
                throwSystemError(errno, "cannot execute '" + argv[0] + "'");
            } catch (const Error& e) {
                std::fprintf(stderr, "error: %s\n", e.what());
                _exit(127);
            }
        }
        _exit(waitStatus(child));
    }
    return waitStatus(helper);
}

}  // namespace cvirt::lxc
