// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/container_util.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "cgroup/layout.h"
#include "support/test_util.h"

namespace cvirt::testenv {

std::string rootfsDir() {
    return CVIRT_TEST_ROOTFS;
}

std::optional<std::string> missingForContainers() {
    if (::geteuid() != 0) return "needs root (namespaces, mounts)";
    if (!std::filesystem::exists(rootfsDir() + "/bin/busybox"))
        return "needs the busybox rootfs at " + rootfsDir() + " (apt-get install busybox-static)";
    return std::nullopt;
}

std::optional<std::string> missingForContainersInOwnNetns() {
    if (auto m = missingForContainers()) return m;
    if (::unshare(CLONE_NEWNET) < 0) return "cannot create a network namespace for the test";
    return std::nullopt;
}

bool userNamespacesWork() {
    pid_t p = forkChild();
    if (p < 0) return false;
    if (p == 0) _exit(::unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
    int st = 0;
    ::waitpid(p, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

namespace {
std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else
            out += c;
    }
    return out;
}
}  // namespace

std::string containerXml(const std::string& name, const CtOptions& o) {
    std::string xml = "<domain type='lxc'";
    if (!o.namespaces.empty()) xml += " xmlns:lxc='http://libvirt.org/schemas/domain/lxc/1.0'";
    if (!o.cvirt.empty() || !o.security.empty())
        xml += " xmlns:cvirt='http://cvirt.org/schemas/domain/cvirt/1.0'";
    xml += "><name>" + name + "</name><memory unit='MiB'>" + std::to_string(o.memoryMiB) +
           "</memory><os><type>exe</type><init>" + o.init + "</init>";
    for (const auto& a : o.initargs)
        xml += "<initarg>" + escape(a) + "</initarg>";
    xml += "</os>" + o.extra + "<devices>";
    // The busybox rootfs is shared by every test: /tmp is a private tmpfs so tests leave
    // nothing in it.
    if (o.rootfs)
        xml += "<filesystem type='mount'><source dir='" + rootfsDir() +
               "'/><target dir='/'/></filesystem><filesystem type='ram'><source usage='16' "
               "units='MiB'/><target dir='/tmp'/></filesystem>";
    xml += o.devices + "<console type='pty'/></devices>";
    if (!o.namespaces.empty()) xml += "<lxc:namespace>" + o.namespaces + "</lxc:namespace>";
    if (!o.cvirt.empty()) xml += "<cvirt:resources>" + o.cvirt + "</cvirt:resources>";
    if (!o.security.empty()) xml += "<cvirt:security>" + o.security + "</cvirt:security>";
    return xml + "</domain>";
}

Captured execCapture(Domain& dom, const std::vector<std::string>& argv) {
    int fds[2];
    auto lock = pipeLock();
    if (::pipe2(fds, O_CLOEXEC) < 0)
        return {-1, std::string("pipe failed: ") + std::strerror(errno)};
    pid_t p = forkChild();
    if (p < 0) {
        int err = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        return {-1, std::string("fork failed: ") + std::strerror(err)};
    }
    if (p == 0) {
        ::dup2(fds[1], 1);
        ::dup2(fds[1], 2);
        int devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(devnull, 0);
        int rc = 255;
        try {
            rc = dom.exec(argv);
        } catch (const std::exception& e) {
            ::dprintf(2, "exec failed: %s\n", e.what());
        }
        _exit(rc);
    }
    ::close(fds[1]);
    lock.unlock();
    Captured c;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        c.out.append(buf, static_cast<size_t>(n));
    }
    ::close(fds[0]);
    int st = 0;
    ::waitpid(p, &st, 0);
    c.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return c;
}

std::string probeFilesystem() {
    return std::string("<filesystem type='bind'><source dir='") + CVIRT_PROBE_DIR +
           "'/><target dir='/probe'/><readonly/></filesystem>";
}

std::optional<std::string> missingProbe(const std::string& name) {
    if (std::filesystem::exists(std::string(CVIRT_PROBE_DIR) + "/" + name)) return std::nullopt;
    return "needs " + std::string(CVIRT_PROBE_DIR) + "/" + name + " (build target " + name + ")";
}

bool pidAlive(int pid) {
    return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

bool unifiedController(const std::string& controller) {
    static const cgroup::HostLayout host = cgroup::detectHost();
    const cgroup::Hierarchy* h = host.forController(controller);
    return h && h->unified;
}

std::string insideCgroupFile(const std::string& controller, const std::string& v1File,
                             const std::string& v2File) {
    if (!unifiedController(controller)) return "/sys/fs/cgroup/" + controller + "/" + v1File;
    return (unifiedController("cpu") ? "/sys/fs/cgroup/" : "/sys/fs/cgroup/unified/") + v2File;
}

std::filesystem::path hostCgroupDir(Domain& d, const std::string& controller) {
    static const cgroup::HostLayout host = cgroup::detectHost();
    const cgroup::Hierarchy* h = host.forController(controller);
    if (!h) throw std::runtime_error("no hierarchy holds " + controller);
    std::ifstream in("/proc/" + std::to_string(d.initPid()) + "/cgroup");
    std::string line;
    while (std::getline(in, line)) {
        size_t a = line.find(':'), b = line.find(':', a + 1);
        std::string ctls = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
        bool match = h->unified
                         ? ctls.empty()
                         : ("," + ctls + ",").find("," + controller + ",") != std::string::npos;
        if (match) return h->mount / path.substr(1);
    }
    throw std::runtime_error("init is in no " + controller + " cgroup");
}

std::string hostCgroupValue(Domain& d, const std::string& controller, const std::string& v1File,
                            const std::string& v2File) {
    std::string text =
        readText(hostCgroupDir(d, controller) / (unifiedController(controller) ? v2File : v1File));
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    return text;
}

}  // namespace cvirt::testenv
