// SPDX-License-Identifier: GPL-3.0-or-later
#include "qemu/controller/controller.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <utility>

#include "conf/domain.h"
#include "controller/protocol.h"
#include "cvirt/error.h"
#include "net/virtual_network.h"
#include "qemu/command_line.h"
#include "qemu/disk_volumes.h"
#include "qemu/endpoints.h"
#include "qemu/kvm.h"
#include "util/file.h"

namespace cvirt::qemu {

Controller::Controller(ControllerOptions opts, conf::DomainDef def)
    : opts_(std::move(opts)),
      def_(std::move(def)),
      loop_(*this, def_, opts_.paths, opts_.id, opts_.config) {
    loop_.watch([this] { return qmp_ ? qmp_->fd() : -1; }, [this](short ev) { onQmp(ev); });
}

Controller::~Controller() {
    loop_.tearDown();
}

void Controller::release() noexcept {
    qmp_.reset();
    taps_.clear();  // the taps go with their last fd
    portLock_.reset();
    std::error_code ec;
    fs::remove_all(endpointDir(opts_.paths.runDir, def_.name), ec);
}

void Controller::prepare() {
    if (::access(def_.emulator.c_str(), X_OK) != 0)
        throwSystemError(
            errno, "cannot run emulator '" + def_.emulator + "' (apt-get install qemu-system-x86)");
    if (def_.type == conf::DomainType::Kvm)
        if (auto why = kvmUnusable())
            throw Error(ErrorCode::ConfigUnsupported,
                        "domain '" + def_.name + "' of type 'kvm' needs a usable /dev/kvm: " +
                            *why + " (use type='qemu' for software emulation)");
    resolveVolumeDisks(def_, opts_.root);  // before anything is made: a bad name fails fast
    taps_ = createTaps(def_, opts_.id, [this](const std::string& network) {
        return net::bridgeOfActiveNetwork(
            state::driverPaths(state::DriverKind::Network, opts_.root).runDir, network);
    });
    for (size_t i = 0; i < taps_.size(); ++i)
        def_.interfaces[i].targetDev = taps_[i].name;  // the live XML names them
    // The console proxy holds the slave open: its master never sees a hang-up between runs.
    if (!def_.serials.empty()) ptyPath_ = loop_.openConsole();
    // socket paths and the VNC port; the live XML shows them
    portLock_ = chooseEndpoints(def_, opts_.paths.runDir);
}

void Controller::launch() {
    loop_.startHook();  // taps, console and socket exist; qemu does not run yet
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        throwSystemError(errno, "cannot create the QMP socket");
    util::Fd mine(sv[0]), theirs(sv[1]);
    LaunchResources res{.kvm = def_.type == conf::DomainType::Kvm,
                        .qmpFd = theirs.get(),
                        .serialPty = ptyPath_,
                        .tapFds = {}};
    std::vector<int> inherit{theirs.get()};
    for (const auto& t : taps_) {
        res.tapFds.push_back(t.fd.get());
        inherit.push_back(t.fd.get());
    }
    std::vector<std::string> argv = commandLine(def_, res);
    std::vector<char*> cargv;
    for (auto& a : argv)
        cargv.push_back(a.data());
    cargv.push_back(nullptr);
    std::cerr << "starting:";
    for (const auto& a : argv)
        std::cerr << ' ' << a;
    std::cerr << std::endl;
    off_t logOffset = ::lseek(STDERR_FILENO, 0, SEEK_END);

    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) throwSystemError(errno, "cannot fork qemu");
    if (pid == 0) {
        // qemu dies with its controller: a kill -9 of the controller leaves no VM behind.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) _exit(1);
        for (int fd : inherit)
            ::fcntl(fd, F_SETFD, 0);
        ::signal(SIGPIPE, SIG_DFL);
        ::signal(SIGHUP, SIG_DFL);
        ::execv(cargv[0], cargv.data());
        ::dprintf(2, "cannot run %s: %s\n", cargv[0], std::strerror(errno));
        _exit(127);
    }
    theirs.reset();
    qemu_ = util::Child(pid);
    try {
        qmp_.emplace(std::move(mine));
        uint64_t current = def_.currentMemory.value_or(def_.memory).kib;
        if (current < def_.memory.kib) qmp_->execute("balloon", {{"value", current * 1024}});
        for (size_t i = 0; i < def_.interfaces.size(); ++i)
            if (def_.interfaces[i].link == conf::LinkState::Down)
                qmp_->execute("set_link", {{"name", "net" + std::to_string(i)}, {"up", false}});
        portLock_.reset();  // qemu listens on its VNC port now
        qmp_->execute("cont");
        qmp_->events().clear();
    } catch (const Error& e) {
        qemu_.reset();
        qmp_.reset();
        std::string why = qemuErrorSince(logOffset);
        throw Error(ErrorCode::OperationFailed, "qemu of '" + def_.name + "' failed to start: " +
                                                    (why.empty() ? e.what() : why));
    }
}

std::string Controller::qemuErrorSince(off_t logOffset) const {
    auto text = util::readFileIfExists(opts_.logPath);
    if (!text || logOffset < 0 || static_cast<size_t>(logOffset) > text->size()) return {};
    std::string out;
    size_t pos = static_cast<size_t>(logOffset);
    while (pos < text->size()) {
        size_t nl = text->find('\n', pos);
        std::string line = text->substr(pos, nl == std::string::npos ? nl : nl - pos);
        pos = nl == std::string::npos ? text->size() : nl + 1;
        // "2026-11-23T10:00:00.000000Z qemu-system-x86_64: …": what follows the stamp
        if (!line.empty() && std::isdigit(static_cast<unsigned char>(line[0])))
            if (size_t z = line.find("Z "); z != std::string::npos && z < 40)
                line = line.substr(z + 2);
        if (line.empty() || line.rfind("starting:", 0) == 0) continue;
        if (!out.empty()) out += "; ";
        out += line;
    }
    return out.substr(0, 2000);
}

void Controller::kill() noexcept {
    qemu_.signal(SIGKILL);
}

Qmp& Controller::qmp() {
    if (!qmp_) throw Error(ErrorCode::OperationInvalid, "qemu is not running");
    return *qmp_;
}

void Controller::onQmp(short revents) {
    if (!(revents & (POLLIN | POLLHUP))) return;
    bool open = qmp_->readAvailable();
    handleEvents();
    if (!open) qmp_.reset();  // qemu is going; its pidfd tells when
}

void Controller::handleEvents() {
    if (!qmp_) return;
    auto& events = qmp_->events();
    while (!events.empty()) {
        Json ev = std::move(events.front());
        events.pop_front();
        std::string name = ev.value("event", "");
        if (name == "SHUTDOWN") {
            guestShutdown_ = true;
            if (ev.contains("data")) shutdownCause_ = ev["data"].value("reason", "");
        } else if (name == "STOP") {
            loop_.files().setPaused(true);
            if (loop_.started()) loop_.files().announce("suspended", "paused");
        } else if (name == "RESUME") {
            loop_.files().setPaused(false);
            if (loop_.started()) loop_.files().announce("resumed", "unpaused");
        } else if (name == "RESET" && loop_.started()) {
            loop_.files().announce("reboot", "-");
        }
    }
}

void Controller::askShutdown() {
    qmp().execute("system_powerdown");
}

controller::Guest::Reboot Controller::askReboot() {
    qmp().execute("system_reset");
    return Reboot::InPlace;
}

bool Controller::handleRequest(const std::string& line, util::Fd& client) {
    if (!line.starts_with("qmp ")) return false;
    std::string answer = qmp().executeText(line.substr(4));
    handleEvents();  // a stop/cont is visible before its caller hears back
    controller::reply(client.get(), answer);
    return true;
}

controller::GuestExit Controller::classifyExit(int status, const controller::Asked& asked) {
    if (qmp_) {
        qmp_->readAvailable();  // the SHUTDOWN event may still be unread
        handleEvents();
    }
    qmp_.reset();
    loop_.files().setPaused(false);
    bool shutdown = std::exchange(guestShutdown_, false) || asked.shutdown ||
                    (WIFEXITED(status) && WEXITSTATUS(status) == 0);
    // -no-reboot turns a guest reset into a shutdown with reason guest-reset
    bool reset = std::exchange(shutdownCause_, {}) == "guest-reset";
    if (!shutdown) return controller::GuestExit::Crash;
    return reset ? controller::GuestExit::Reboot : controller::GuestExit::Poweroff;
}

}  // namespace cvirt::qemu
