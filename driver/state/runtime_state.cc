#include "state/runtime_state.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "state/config_store.h"
#include "state/events.h"
#include "util/file.h"

namespace cvirt::state {

namespace fs = std::filesystem;

namespace {

// "<controller pid> <init pid>\n"
std::pair<pid_t, pid_t> readPids(const std::string& text) {
    pid_t ctl = 0, init = 0;
    const char* p = text.data();
    const char* end = p + text.size();
    p = std::from_chars(p, end, ctl).ptr;
    while (p < end && *p == ' ')
        ++p;
    std::from_chars(p, end, init);
    return {ctl, init};
}

// A zombie counts as dead: a killed controller may wait a while for its reaper.
bool processAlive(pid_t pid) {
    if (pid <= 0 || (::kill(pid, 0) < 0 && errno != EPERM)) return false;
    auto stat = util::readFileIfExists("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return false;
    size_t paren = stat->rfind(')');
    return paren == std::string::npos || paren + 2 >= stat->size() || (*stat)[paren + 2] != 'Z';
}

}  // namespace

std::vector<std::string> RuntimeState::runningNames() const {
    std::vector<std::string> out;
    for (auto& name : listNames(paths_.runDir, ".xml"))
        if (find(name)) out.push_back(std::move(name));
    return out;
}

std::optional<std::string> RuntimeState::liveXml(std::string_view name) const {
    if (!find(name)) return std::nullopt;
    return util::readFileIfExists(paths_.runDir / (std::string(name) + ".xml"));
}

std::optional<LiveDomain> RuntimeState::find(std::string_view name) const {
    std::string n(name);
    auto xml = util::readFileIfExists(paths_.runDir / (n + ".xml"));
    if (!xml) return std::nullopt;
    auto pids = util::readFileIfExists(paths_.runDir / (n + ".pid"));
    // The supervisor writes NAME.pid before NAME.xml and removes NAME.xml first: no pid file
    // here, or no XML any more once the supervisor is gone, is a clean stop in progress, not
    // a crash (its shut-off reason is already written).
    if (!pids) return std::nullopt;
    auto [controller, init] = readPids(*pids);
    if (!processAlive(controller)) {
        if (!std::filesystem::exists(paths_.runDir / (n + ".xml"))) return std::nullopt;
        // The controller died without cleaning up (kill -9, crash): its container died with
        // it (PDEATHSIG); remove what it left and remember why the domain is off.
        if (processAlive(init)) ::kill(init, SIGKILL);
        if (onStale_) onStale_(n, *xml);
        // The reader whose unlink removed the live XML reports the crash, once.
        bool first = ::unlink((paths_.runDir / (n + ".xml")).c_str()) == 0;
        for (const char* ext : {".pid", ".sock", ".paused"})
            ::unlink((paths_.runDir / (n + ext)).c_str());
        if (!first) return std::nullopt;
        try {
            const_cast<RuntimeState*>(this)->setShutoffReason(name, 3 /* crashed */);
        } catch (...) {
        }
        emitEvent(paths_, n, "stopped", "crashed");
        return std::nullopt;
    }
    LiveDomain live;
    live.name = n;
    live.paused = ::access((paths_.runDir / (n + ".paused")).c_str(), F_OK) == 0;
    if (live.paused) live.stateReason = 1;  // virDomainPausedReason: user
    live.controllerPid = controller;
    live.initPid = init;
    // The live XML starts "<domain type='…' id='N'"; read the id without a full parse.
    if (size_t p = xml->find("id='"); p != std::string::npos && p < 200) {
        const char* b = xml->data() + p + 4;
        std::from_chars(b, xml->data() + xml->size(), live.id);
    }
    return live;
}

void RuntimeState::replaceLiveXml(std::string_view name, const std::string& xml) {
    util::writeFileReplace(paths_.runDir / (std::string(name) + ".xml"), xml, 0600);
}

void RuntimeState::setPaused(std::string_view name, bool paused) {
    fs::path marker = paths_.runDir / (std::string(name) + ".paused");
    if (paused)
        util::writeFileReplace(marker, "", 0644);
    else
        util::removeFile(marker);
}

int RuntimeState::shutoffReason(std::string_view name) const {
    auto text = util::readFileIfExists(paths_.runDir / (std::string(name) + ".reason"));
    int reason = 0;
    if (text) std::from_chars(text->data(), text->data() + text->size(), reason);
    return reason;
}

void RuntimeState::setShutoffReason(std::string_view name, int reason) {
    util::makeDirs(paths_.runDir, 0755);
    util::writeFileReplace(paths_.runDir / (std::string(name) + ".reason"),
                           std::to_string(reason) + "\n", 0644);
}

void RuntimeState::clear(std::string_view name) {
    util::removeFile(paths_.runDir / (std::string(name) + ".reason"));
}

int RuntimeState::allocateId() {
    util::makeDirs(paths_.runDir, 0755);
    fs::path path = paths_.runDir / "next-id";
    auto text = util::readFileIfExists(path);
    int id = 1;
    if (text) std::from_chars(text->data(), text->data() + text->size(), id);
    if (id < 1) id = 1;
    util::writeFileReplace(path, std::to_string(id + 1) + "\n", 0644);
    return id;
}

}  // namespace cvirt::state
