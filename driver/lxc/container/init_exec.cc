// SPDX-License-Identifier: GPL-3.0-or-later
// The last steps inside the container: stdio on the console as session leader, environment,
// working directory, user and group, capabilities, then execve(init).
#include <fcntl.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>

#include "lxc/container/child.h"
#include "lxc/environment.h"
#include "security/caps.h"
#include "security/confine.h"
#include "security/seccomp.h"
#include "util/fd.h"
#include "util/inherit.h"
#include "util/stamp.h"

namespace cvirt::lxc {

namespace {

void attachConsole() {
    if (::setsid() < 0) throwSystemError(errno, "cannot start a session");
    util::Fd tty(::open("/dev/console", O_RDWR | O_NOCTTY));
    if (!tty) throwSystemError(errno, "cannot open the console");
    if (::ioctl(tty.get(), TIOCSCTTY, 0) < 0)
        throwSystemError(errno, "cannot make the console the controlling terminal");
    for (int fd = 0; fd < 3; ++fd)
        if (::dup2(tty.get(), fd) < 0)
            throwSystemError(errno, "cannot attach stdio to the console");
}

// A uid or gid: 4294967295 is none (setresuid(-1) would keep the current one, root), so it
// never reads as a number, whether it comes from the XML or the container's /etc/passwd.
std::optional<unsigned> asNumber(const std::string& s) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
    if (v == static_cast<unsigned>(-1)) return std::nullopt;
    return v;
}

// Field 3 (uid) or 3 of /etc/group (gid) for `name`, read from the container's own files
// (never through NSS, which would load the container's libraries into this process).
std::optional<unsigned> lookupId(const char* file, const std::string& name) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string user, pw, id;
        if (std::getline(fields, user, ':') && std::getline(fields, pw, ':') &&
            std::getline(fields, id, ':') && user == name)
            return asNumber(id);
    }
    return std::nullopt;
}

void switchUser(const conf::Os& os) {
    if (!os.initgroup.empty()) {
        auto gid = asNumber(os.initgroup);
        if (!gid) gid = lookupId("/etc/group", os.initgroup);
        if (!gid)
            throw Error(ErrorCode::OperationFailed, "unknown initgroup '" + os.initgroup + "'");
        if (::setgroups(0, nullptr) < 0 || ::setresgid(*gid, *gid, *gid) < 0)
            throwSystemError(errno, "cannot switch to group '" + os.initgroup + "'");
    }
    if (!os.inituser.empty()) {
        auto uid = asNumber(os.inituser);
        if (!uid) uid = lookupId("/etc/passwd", os.inituser);
        if (!uid) throw Error(ErrorCode::OperationFailed, "unknown inituser '" + os.inituser + "'");
        if (::setresuid(*uid, *uid, *uid) < 0)
            throwSystemError(errno, "cannot switch to user '" + os.inituser + "'");
    }
}

}  // namespace

void execInit(const ChildContext& ctx) {
    const conf::DomainDef& def = *ctx.def;
    std::string init = def.os.init.empty() ? "/sbin/init" : def.os.init;

    security::Confinement confinement;
    // Built while the controller finishes the cgroup; the seccomp program is the one the build
    // compiled (security::defaultProgram).
    waitForCgroup(
        ctx, [&] { confinement = security::prepareConfinement(def, security::capsToDrop(def)); });
    attachConsole();
    util::stamp("child:console-attached");
    std::vector<std::string> env = containerEnvironment(def, "linux");

    std::string dir = def.os.initdir.empty() ? "/" : def.os.initdir;
    if (::chdir(dir.c_str()) < 0) throwSystemError(errno, "cannot enter initdir '" + dir + "'");
    if (::access(init.c_str(), X_OK) < 0)
        throwSystemError(errno, "cannot execute init '" + init + "'");

    // Before confine drops CAP_SYS_ADMIN; init and all it starts inherit the filter.
    if (ctx.procViews) {
        util::Fd trap = security::trapSysinfo();
        ctx.sync->sendFd(SyncMsg::SysinfoTrap, trap.get());
    }
    util::stamp("child:sysinfo-trap");
    security::confine(def, confinement);
    util::stamp("child:confined");
    switchUser(def.os);

    std::vector<char*> argv{init.data()};
    std::vector<std::string> args = def.os.initargs;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    // Whatever the controller had open that init must not inherit (host files, sockets) ends
    // at execve, whatever flags it was opened with; the sync socket stays open until then.
    util::cloexecFdsFrom(3);
    util::stamp("child:exec");
    ctx.sync->send(SyncMsg::Execing);
    ::execve(init.c_str(), argv.data(), envp.data());
    throwSystemError(errno, "cannot execute init '" + init + "'");
}

}  // namespace cvirt::lxc
