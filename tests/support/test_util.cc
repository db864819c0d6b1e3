// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/test_util.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace cvirt::testenv {

__attribute__((weak)) std::optional<std::string> missingPrerequisite() {
    return std::nullopt;
}

int skip(const std::string& reason) {
    std::cout << "SKIP: " << reason << std::endl;
    return 77;
}

namespace {
int skippedCases = 0;
}

void skipCase(const std::string& reason) {
    ++skippedCases;
    std::cout << "SKIP (part): " << reason << std::endl;
}

int casesSkipped() {
    return skippedCases;
}

fs::path sourceDir() {
    return CVIRT_SOURCE_DIR;
}
fs::path binDir() {
    return CVIRT_BIN_DIR;
}

std::string readText(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string procText(const fs::path& file) {
    std::string out;
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return out;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
        out.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return out;
}

std::vector<fs::path> filesIn(const fs::path& dir, const std::string& ext) {
    std::vector<fs::path> out;
    if (!fs::exists(dir)) return out;
    for (const auto& e : fs::directory_iterator(dir)) {
        std::string name = e.path().filename().string();
        if (name.size() >= ext.size() &&
            name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
            out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<fs::path> domainExamples() {
    std::vector<fs::path> out;
    for (const auto& f : filesIn(sourceDir() / "xml-examples", ".xml")) {
        std::string text = readText(f);
        // the first element: past the XML declaration and comments (which may hold '<')
        size_t p = 0;
        while ((p = text.find('<', p)) != std::string::npos) {
            if (text.compare(p, 4, "<!--") == 0)
                p = text.find("-->", p);
            else if (text.compare(p, 2, "<?") == 0)
                ++p;
            else
                break;
        }
        if (p != std::string::npos && text.compare(p, 8, "<domain ") == 0) out.push_back(f);
    }
    return out;
}

TempDir::TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/cvirt-test-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

pid_t forkChild() {
    for (int attempt = 0;; ++attempt) {
        pid_t p = ::fork();
        if (p >= 0 || errno != EAGAIN || attempt == 200) return p;
        ::usleep(10000);
    }
}

std::unique_lock<std::mutex> pipeLock() {
    static std::mutex m;
    return std::unique_lock(m);
}

std::string TempDir::embedUri(const std::string& driver) const {
    return driver + ":///embed?root=" + path_.string();
}

void execArgv(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    _exit(127);
}

RunResult run(const std::vector<std::string>& argv, const std::string& input,
              const std::vector<std::string>& extraEnv) {
    int in[2], out[2], err[2];
    auto lock = pipeLock();
    if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC))
        throw std::runtime_error("pipe failed");
    pid_t pid = forkChild();
    if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        for (const auto& e : extraEnv)
            ::putenv(const_cast<char*>(e.c_str()));
        execArgv(argv);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    lock.unlock();
    if (!input.empty()) {
        size_t off = 0;
        while (off < input.size()) {
            ssize_t n = ::write(in[1], input.data() + off, input.size() - off);
            if (n <= 0) break;
            off += static_cast<size_t>(n);
        }
    }
    ::close(in[1]);
    RunResult r;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open = 2;
    char buf[4096];
    while (open > 0) {
        if (::poll(fds, 2, -1) < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            } else {
                (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
            }
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

std::string shell(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[256];
    while (p && std::fgets(buf, sizeof buf, p))
        out += buf;
    if (p) ::pclose(p);
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

}  // namespace cvirt::testenv
