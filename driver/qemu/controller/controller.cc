#include "qemu/controller/controller.h"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <iostream>

#include "conf/domain.h"
#include "cvirt/domain_state.h"
#include "cvirt/error.h"
#include "net/virtual_network.h"
#include "qemu/command_line.h"
#include "qemu/kvm.h"
#include "state/runtime_state.h"
#include "supervisor/protocol.h"
#include "supervisor/pty.h"
#include "util/file.h"
#include "util/stream.h"

namespace cvirt::qemu {

namespace {

constexpr size_t kMaxRequest = 64 * 1024;  // a QMP command on one line

}  // namespace

Controller::Controller(ControllerOptions opts, conf::DomainDef def)
    : opts_(std::move(opts)), def_(std::move(def)), files_(opts_.paths, def_.name) {}

Controller::~Controller() {
    tearDown(false);
}

void Controller::tearDown(bool ran) noexcept {
    if (tornDown_) return;
    tornDown_ = true;
    killQemu();
    console_.drain();
    hooks_.stopped(def_);
    taps_.clear();  // the taps go with their last fd
    // The reason first: a reader that sees the live state gone must also see why.
    if (ran) files_.setStopReason(stopReason_);
    files_.remove();
    hooks_.release(def_);
}

void Controller::start() {
    hooks_.prepare(opts_.paths, opts_.config, def_);
    util::makeDirs(opts_.paths.runDir, 0755);
    if (::access(def_.emulator.c_str(), X_OK) != 0)
        throwSystemError(
            errno, "cannot run emulator '" + def_.emulator + "' (apt-get install qemu-system-x86)");
    if (def_.type == conf::DomainType::Kvm)
        if (auto why = kvmUnusable())
            throw Error(ErrorCode::ConfigUnsupported,
                        "domain '" + def_.name + "' of type 'kvm' needs a usable /dev/kvm: " +
                            *why + " (use type='qemu' for software emulation)");
    taps_ = createTaps(def_, opts_.id, [this](const std::string& network) {
        return net::bridgeOfActiveNetwork(
            state::driverPaths(state::DriverKind::Network, opts_.root).runDir, network);
    });
    for (size_t i = 0; i < taps_.size(); ++i)
        def_.interfaces[i].targetDev = taps_[i].name;  // the live XML names them
    if (!def_.serials.empty()) {
        supervisor::Pty pty = supervisor::Pty::open();
        ptyPath_ = pty.slavePath;
        ptySlave_.reset(::open(ptyPath_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
        if (!ptySlave_) throwSystemError(errno, "cannot open '" + ptyPath_ + "'");
        console_ = supervisor::ConsoleProxy(std::move(pty.master));
    }
    listen_ = util::listenUnix(files_.socketPath());
    // Taps, console and socket exist; qemu does not run yet.
    hooks_.start(def_);
    launch();
    files_.writePids(qemu_.pid());
    files_.writeXml(def_, opts_.id);
    files_.announce("started", "booted");
    hooks_.started(def_, opts_.id);
    ::malloc_trim(0);
}

void Controller::launch() {
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
        // qemu dies with its supervisor: a kill -9 of the controller leaves no VM behind.
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
        qmp_->execute("cont");
        qmp_->events().clear();
    } catch (const Error& e) {
        killQemu();
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

void Controller::killQemu() noexcept {
    qemu_.reset();
    qmp_.reset();
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
            files_.setPaused(true);
            if (hooks_.running()) files_.announce("suspended", "paused");
        } else if (name == "RESUME") {
            files_.setPaused(false);
            if (hooks_.running()) files_.announce("resumed", "unpaused");
        } else if (name == "RESET" && hooks_.running()) {
            files_.announce("reboot", "-");
        }
    }
}

void Controller::handleConnection() {
    util::Fd client(::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!client) return;
    std::string line = supervisor::readRequest(client.get(), kMaxRequest);
    try {
        if (line == "destroy") {
            destroyRequested_ = true;
            qemu_.signal(SIGKILL);
            supervisor::reply(client.get(), "ok");  // heard (supervisor/protocol.h)
            destroyWaiters_.push_back(std::move(client));
        } else if (line == "shutdown") {
            if (!qmp_) throw Error(ErrorCode::OperationInvalid, "qemu is not running");
            qmp_->execute("system_powerdown");
            shutdownRequested_ = true;
            if (opts_.config.shutdownTimeoutSec > 0)  // 0: the guest takes as long as it takes
                shutdownDeadlineMs_ = util::monotonicMs() + opts_.config.shutdownTimeoutSec * 1000L;
            supervisor::reply(client.get(), "ok");
        } else if (line == "reboot") {
            if (!qmp_) throw Error(ErrorCode::OperationInvalid, "qemu is not running");
            qmp_->execute("system_reset");
            supervisor::reply(client.get(), "ok");
        } else if (supervisor::isConsoleRequest(line)) {
            if (console_.masterFd() < 0)
                throw Error(ErrorCode::OperationInvalid, "the domain has no serial console");
            console_.handleRequest(std::move(client), line);
        } else if (line == "ping") {
            supervisor::reply(client.get(), "ok " + std::to_string(qemu_.pid()));
        } else if (line.rfind("qmp ", 0) == 0) {
            if (!qmp_) throw Error(ErrorCode::OperationInvalid, "qemu is not running");
            std::string answer = qmp_->executeText(line.substr(4));
            handleEvents();  // a stop/cont is visible before its caller hears back
            supervisor::reply(client.get(), answer);
        } else {
            throw Error(ErrorCode::InvalidArg, "unknown request '" + line.substr(0, 64) + "'");
        }
    } catch (const Error& e) {
        if (client) supervisor::reply(client.get(), supervisor::encodeError(e));
    }
}

bool Controller::onQemuExit(int status) {
    if (qmp_) {
        qmp_->readAvailable();  // the SHUTDOWN event may still be unread
        handleEvents();
    }
    qmp_.reset();
    files_.setPaused(false);
    conf::LifecycleAction action;
    if (destroyRequested_) {
        action = conf::LifecycleAction::Destroy;
        stopReason_ = kShutoffDestroyed;
    } else if (guestShutdown_ || shutdownRequested_ ||
               (WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        // -no-reboot turns a guest reset into a shutdown with reason guest-reset
        action = shutdownCause_ == "guest-reset"
                     ? def_.onReboot.value_or(conf::LifecycleAction::Restart)
                     : def_.onPoweroff.value_or(conf::LifecycleAction::Destroy);
        stopReason_ = kShutoffShutdown;
    } else {
        action = def_.onCrash.value_or(conf::LifecycleAction::Destroy);
        stopReason_ = kShutoffCrashed;
    }
    guestShutdown_ = shutdownRequested_ = false;
    shutdownCause_.clear();
    shutdownDeadlineMs_ = -1;
    if (destroyRequested_ || !conf::restarts(action)) return false;
    try {
        launch();
        files_.writePids(qemu_.pid());
        return true;
    } catch (const Error& e) {
        std::cerr << "cvirt-qemu-controller: restart of '" << def_.name << "' failed: " << e.what()
                  << std::endl;
        stopReason_ = kShutoffFailed;
        return false;
    }
}

int Controller::run() {
    for (;;) {
        pollfd fds[5];
        int n = 0;
        const int iPid = n;
        fds[n++] = {qemu_.pidfd(), POLLIN, 0};
        const int iListen = n;
        fds[n++] = {listen_.get(), POLLIN, 0};
        const int iQmp = n;
        fds[n++] = {qmp_ ? qmp_->fd() : -1, POLLIN, 0};
        const int iMaster = n;
        fds[n++] = {console_.masterFd(), POLLIN, 0};
        const int iClient = n;
        fds[n++] = {console_.clientFd(), POLLIN, 0};
        int timeout = -1;
        if (shutdownDeadlineMs_ >= 0)
            timeout = static_cast<int>(std::max(0L, shutdownDeadlineMs_ - util::monotonicMs()));
        int rc = ::poll(fds, static_cast<nfds_t>(n), timeout);
        if (rc < 0 && errno != EINTR) break;
        if (shutdownDeadlineMs_ >= 0 && util::monotonicMs() >= shutdownDeadlineMs_) {
            std::cerr << "cvirt-qemu-controller: '" << def_.name
                      << "' did not power off in time: killing qemu" << std::endl;
            qemu_.signal(SIGKILL);
            shutdownDeadlineMs_ = -1;
        }
        if (rc <= 0) continue;
        if (fds[iMaster].revents & POLLIN) console_.onOutput();
        if (fds[iClient].revents & (POLLIN | POLLHUP | POLLERR)) console_.onInput();
        if (fds[iQmp].revents & (POLLIN | POLLHUP)) {
            if (!qmp_->readAvailable()) {
                handleEvents();
                qmp_.reset();  // qemu is going; its pidfd tells when
            } else {
                handleEvents();
            }
        }
        if (fds[iListen].revents & POLLIN) handleConnection();
        if (fds[iPid].revents & POLLIN) {
            auto status = qemu_.wait();
            if (status && !onQemuExit(*status)) break;
        }
    }
    tearDown(true);
    destroyWaiters_.clear();  // destroy callers see EOF: everything is gone
    return 0;
}

}  // namespace cvirt::qemu
