// SPDX-License-Identifier: GPL-3.0-or-later
#include "controller/program.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "conf/domain.h"
#include "controller/domain_log.h"
#include "controller/protocol.h"
#include "cvirt/error.h"
#include "state/driver_config.h"
#include "state/uri.h"
#include "util/fault.h"
#include "util/fd.h"
#include "util/file.h"
#include "util/inherit.h"
#include "util/stamp.h"

namespace cvirt::controller {

namespace {

void report(int fd, const std::string& line) {
    if (fd < 0) return;
    std::string l = line + "\n";
    [[maybe_unused]] ssize_t n = ::write(fd, l.data(), l.size());
}

std::string readStdin() {
    std::string data;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        data.append(buf, static_cast<size_t>(n));
    }
    return data;
}

}  // namespace

int programMain(int argc, char** argv, state::DriverKind kind, std::string_view program,
                const std::function<int(ProgramArgs&, const std::function<void()>&)>& body) {
    std::string uri, name;
    int id = 0, readyFd = -1, lockFd = -1, autodestroyFd = -1;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string opt = argv[i];
        if (opt == "--uri")
            uri = argv[i + 1];
        else if (opt == "--name")
            name = argv[i + 1];
        else if (opt == "--id")
            id = std::atoi(argv[i + 1]);
        else if (opt == "--ready-fd")
            readyFd = std::atoi(argv[i + 1]);
        else if (opt == "--lock-fd")
            lockFd = std::atoi(argv[i + 1]);
        else if (opt == "--autodestroy-fd")
            autodestroyFd = std::atoi(argv[i + 1]);
    }
    if (uri.empty() || name.empty() || readyFd < 0) {
        std::cerr << "usage: " << program
                  << " --uri URI --name NAME --id N --ready-fd FD < domain.xml\n";
        return 2;
    }
    // Whoever started us, only stdio, the ready fd and the lock go on; the rest is closed
    // before anything is opened (a caller's descriptor must never reach a guest).
    util::closeFdsFrom(3, {readyFd, lockFd, autodestroyFd});
    ::fcntl(readyFd, F_SETFD, FD_CLOEXEC);
    // The domain lock of the shell that spawned us, shared: held until the domain runs or
    // the start is undone, even if that shell dies meanwhile (controller/client.h).
    util::Fd lock(lockFd);
    if (lock) ::fcntl(lock.get(), F_SETFD, FD_CLOEXEC);
    util::Fd autodestroy(autodestroyFd);
    if (autodestroy) ::fcntl(autodestroy.get(), F_SETFD, FD_CLOEXEC);
    util::stamp("ctl:main");  // after the descriptors closed: the stamp file opens now
    ::signal(SIGPIPE, SIG_IGN);
    ::signal(SIGHUP, SIG_IGN);
    // One malloc arena: the start's helper threads (cgroup, network, seccomp compile) would
    // each get an arena of their own, whose pages outlive them (~84 KiB of the supervisor's
    // PSS with 1,000 running); in the one arena the end of start's malloc_trim returns them.
    ::mallopt(M_ARENA_MAX, 1);
    const std::string prefix = std::string(program) + ": ";
    try {
        // What needs no XML, before it: create's schema pass may still run in the driver
        // (controller/client.h), which sends the XML once it holds.
        state::ConnectionUri conn = state::parseUri(uri);
        ProgramArgs args;
        args.paths = state::driverPaths(kind, conn.root);
        args.root = conn.root;
        args.id = id;
        args.autodestroy = std::move(autodestroy);
        util::makeDirs(args.paths.logDir, 0750);
        args.logPath = state::entryPath(args.paths.logDir, name, ".log");
        args.config = state::loadDriverConfig(conn.root);
        util::stamp("ctl:config-read");

        std::string xml = readStdin();
        util::stamp("ctl:xml-read");
        // Nothing sent: the driver withdrew the start before handing it over (its last check
        // failed). Leave without making anything of the domain, its log file included.
        if (xml.empty()) return 0;
        int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        ::dup2(devnull, STDIN_FILENO);
        ::close(devnull);
        DomainLog log(args.logPath,
                      {.maxSize = args.config.logMaxSize, .maxBackups = args.config.logMaxBackups});

        util::stamp("ctl:log-opened");
        args.def = conf::parseDomain(xml, {.filename = name, .validateSchema = false});
        util::stamp("ctl:xml-parsed");
        conf::requireEnforceable(args.def);  // before anything of the domain exists
        int rc = body(args, [&] {
            util::fault::point("start:ctl-ready");
            report(readyFd, "ok");
            ::close(readyFd);
            readyFd = -1;
            util::fault::killPoint("start:ctl-reported");
            lock.reset();
        });
        util::stamp("ctl:exit");
        return rc;
    } catch (const Error& e) {
        std::cerr << prefix << e.what() << std::endl;
        report(readyFd, encodeError(e));
        return 1;
    } catch (const std::exception& e) {
        std::cerr << prefix << e.what() << std::endl;
        report(readyFd, encodeError(Error(ErrorCode::Internal, e.what())));
        return 1;
    }
}

}  // namespace cvirt::controller
