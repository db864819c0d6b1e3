// cvirt-lxc-controller: started by the driver, detached in its own session with stdio on the
// domain log. Reads the domain XML on stdin, reports "ok" or "error CODE MESSAGE" on the
// ready fd once init runs (or failed), then supervises until the container is gone.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "conf/domain.h"
#include "cvirt/error.h"
#include "lxc/controller/controller.h"
#include "state/uri.h"
#include "util/file.h"

using namespace cvirt;

namespace {

void report(int fd, const std::string& line) {
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

int main(int argc, char** argv) {
    std::string uri, name;
    int id = 0, readyFd = -1;
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
    }
    if (uri.empty() || name.empty() || readyFd < 0) {
        std::cerr << "usage: cvirt-lxc-controller --uri URI --name NAME --id N --ready-fd FD "
                     "< domain.xml\n";
        return 2;
    }
    ::fcntl(readyFd, F_SETFD, FD_CLOEXEC);
    ::signal(SIGPIPE, SIG_IGN);
    ::signal(SIGHUP, SIG_IGN);
    try {
        std::string xml = readStdin();
        int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        ::dup2(devnull, STDIN_FILENO);
        ::close(devnull);

        state::ConnectionUri conn = state::parseUri(uri);
        state::DriverPaths paths;
        for (const auto& d : conn.drivers)
            if (d.kind == state::DriverKind::Lxc) paths = d;
        util::makeDirs(paths.logDir, 0750);
        std::string log = (paths.logDir / (name + ".log")).string();
        int logFd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (logFd < 0) throwSystemError(errno, "cannot open log '" + log + "'");
        ::dup2(logFd, STDOUT_FILENO);
        ::dup2(logFd, STDERR_FILENO);
        ::close(logFd);

        conf::DomainDef def = conf::parseDomain(xml, {.filename = name, .validateSchema = false});
        lxc::Controller controller({.paths = paths, .root = conn.root, .id = id}, std::move(def));
        controller.start();
        report(readyFd, "ok");
        ::close(readyFd);
        return controller.run();
    } catch (const Error& e) {
        std::cerr << "cvirt-lxc-controller: " << e.what() << std::endl;
        report(readyFd, "error " + std::to_string(static_cast<int>(e.code())) + " " + e.what());
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "cvirt-lxc-controller: " << e.what() << std::endl;
        report(readyFd, "error 0 " + std::string(e.what()));
        return 1;
    }
}
