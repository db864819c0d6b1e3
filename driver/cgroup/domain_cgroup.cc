#include "cgroup/domain_cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "cvirt/error.h"
#include "util/fd.h"
#include "util/file.h"

namespace cvirt::cgroup {

namespace {

// Controllers cvirt manages; a v1 hierarchy holding none of them is left alone.
constexpr std::string_view kControllers[] = {"cpu",     "cpuacct", "cpuset", "memory",
                                             "devices", "freezer", "blkio",  "pids"};
constexpr std::string_view kV2Controllers[] = {"cpu", "cpuset", "memory", "io", "pids"};

void writeValue(const fs::path& file, const std::string& value) {
    util::Fd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd || ::write(fd.get(), value.data(), value.size()) < 0)
        throwSystemError(errno, "cannot write '" + value + "' to '" + file.string() + "'");
}

bool usesHierarchy(const Hierarchy& h) {
    if (h.unified) return true;
    for (auto c : kControllers)
        if (std::find(h.controllers.begin(), h.controllers.end(), c) != h.controllers.end())
            return true;
    return false;
}

// v1 cpuset starts empty: inherit the parent's cpus and mems so tasks can join.
void inheritCpuset(const Hierarchy& h, const fs::path& dir) {
    if (h.unified ||
        std::find(h.controllers.begin(), h.controllers.end(), "cpuset") == h.controllers.end())
        return;
    for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
        auto cur = util::readFileIfExists(dir / f);
        if (cur && cur->find_first_not_of(" \n") != std::string::npos) continue;
        auto parent = util::readFileIfExists(dir.parent_path() / f);
        if (parent) writeValue(dir / f, *parent);
    }
}

}  // namespace

std::string leafName(std::string_view domain, std::string_view driver, const fs::path& root) {
    std::string leaf = std::string(domain) + ".cvirt-" + std::string(driver);
    if (!root.empty()) {
        uint32_t h = 2166136261u;  // FNV-1a
        for (unsigned char c : root.string())
            h = (h ^ c) * 16777619u;
        char hex[9];
        std::snprintf(hex, sizeof hex, "%08x", h);
        leaf += "-";
        leaf += hex;
    }
    return leaf;
}

Placement placementFor(const conf::DomainDef& def, std::string_view driver, const fs::path& root) {
    return {def.resourcePartition.empty() ? "/machine" : def.resourcePartition,
            leafName(def.name, driver, root)};
}

DomainCgroup& DomainCgroup::operator=(DomainCgroup&& other) noexcept {
    if (this != &other) {
        if (owning_) remove();
        host_ = other.host_;
        dirs_ = std::move(other.dirs_);
        owning_ = std::exchange(other.owning_, false);
    }
    return *this;
}

DomainCgroup::~DomainCgroup() {
    if (owning_) remove();
}

DomainCgroup DomainCgroup::open(const HostLayout& host, std::string_view partition,
                                std::string_view leaf) {
    std::vector<Dir> dirs;
    std::string rel = std::string(partition);
    while (!rel.empty() && rel[0] == '/')
        rel.erase(0, 1);
    for (const auto& h : host.hierarchies) {
        if (!usesHierarchy(h)) continue;
        Dir d{&h, h.mount / rel / std::string(leaf), {}};
        for (fs::path p = d.path.parent_path();
             p != h.mount && p.has_relative_path() && p.string().size() > h.mount.string().size();
             p = p.parent_path())
            d.parents.insert(d.parents.begin(), p);
        dirs.push_back(std::move(d));
    }
    return DomainCgroup(host, std::move(dirs), false);
}

namespace {

// mkdir of every level below the hierarchy root, enabling the v2 controllers on the way down.
// The leaf must not exist yet.
void createPath(const Hierarchy& h, const fs::path& leaf) {
    fs::path rel = leaf.lexically_relative(h.mount);
    fs::path cur = h.mount;
    for (auto it = rel.begin(); it != rel.end(); ++it) {
        if (h.unified) {
            // Let the controllers reach the next level; those the host lacks are skipped.
            for (const auto& c : h.controllers) {
                if (std::find(std::begin(kV2Controllers), std::end(kV2Controllers), c) ==
                    std::end(kV2Controllers))
                    continue;
                try {
                    writeValue(cur / "cgroup.subtree_control", "+" + c);
                } catch (const Error&) {
                    // busy or not delegated here: limits on it will report the failure
                }
            }
        }
        cur /= *it;
        bool leafLevel = std::next(it) == rel.end();
        if (::mkdir(cur.c_str(), 0755) < 0) {
            if (errno != EEXIST)
                throwSystemError(errno, "cannot create cgroup '" + cur.string() + "'");
            if (leafLevel)
                throw Error(
                    ErrorCode::OperationFailed,
                    "cgroup '" + cur.string() + "' already exists (is the domain running?)");
        }
        // Also where another domain created the level and may not have filled it yet: a v1
        // cpuset with empty cpus or mems refuses tasks (ENOSPC).
        inheritCpuset(h, cur);
    }
}

}  // namespace

DomainCgroup DomainCgroup::create(const HostLayout& host, std::string_view partition,
                                  std::string_view leaf) {
    DomainCgroup cg = open(host, partition, leaf);
    cg.owning_ = true;
    for (Dir& d : cg.dirs_) {
        // Another domain leaving the partition may remove it between our steps: walk again.
        for (int attempt = 0;; ++attempt) {
            try {
                createPath(*d.hierarchy, d.path);
                break;
            } catch (const Error& e) {
                if (e.sysErrno() != ENOENT || attempt == 5) throw;
            }
        }
    }
    return cg;
}

fs::path DomainCgroup::pathFor(std::string_view controller) const {
    const Hierarchy* h = host_->forController(controller);
    for (const Dir& d : dirs_)
        if (d.hierarchy == h) return d.path;
    return {};
}

bool DomainCgroup::exists() const {
    return !dirs_.empty() && ::access(dirs_.front().path.c_str(), F_OK) == 0;
}

void DomainCgroup::attach(pid_t pid) {
    for (const Dir& d : dirs_)
        writeValue(d.path / "cgroup.procs", std::to_string(pid));
}

void DomainCgroup::apply(const Limits& limits) {
    std::vector<Write> v1 = planV1(limits), v2 = planV2(limits);
    auto run = [&](const std::vector<Write>& plan, bool unified) {
        for (const Write& w : plan) {
            std::string ctl = w.controller == "io" ? "blkio" : w.controller;
            const Hierarchy* h = host_->forController(unified ? w.controller : ctl);
            if (!h || h->unified != unified) continue;
            fs::path dir = pathFor(unified ? w.controller : ctl);
            if (dir.empty()) continue;
            writeValue(dir / w.file, w.value);
        }
    };
    run(v1, false);
    run(v2, true);
}

void DomainCgroup::setDevices(const std::vector<DeviceRule>& rules) {
    for (const Dir& d : dirs_) {
        if (d.hierarchy->unified) {
            attachDeviceProgram(d.path.string(), rules);
        } else if (std::find(d.hierarchy->controllers.begin(), d.hierarchy->controllers.end(),
                             "devices") != d.hierarchy->controllers.end()) {
            writeValue(d.path / "devices.deny", "a");
            for (const DeviceRule& r : rules)
                writeValue(d.path / "devices.allow", v1Line(r));
        }
    }
}

void DomainCgroup::freeze(bool frozen) {
    const Hierarchy* h = host_->forController("freezer");
    if (!h) throw Error(ErrorCode::ConfigUnsupported, "the host has no freezer cgroup");
    fs::path dir = pathFor("freezer");
    fs::path file = dir / (h->unified ? "cgroup.freeze" : "freezer.state");
    writeValue(file, h->unified ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED"));
    // Wait until the kernel reports the new state (v1 goes through FREEZING).
    for (int i = 0; i < 1000; ++i) {
        if (h->unified) {
            auto ev = util::readFileIfExists(dir / "cgroup.events").value_or("");
            if (ev.find(frozen ? "frozen 1" : "frozen 0") != std::string::npos) return;
        } else {
            auto st = util::readFileIfExists(file).value_or("");
            if (st.rfind(frozen ? "FROZEN" : "THAWED", 0) == 0) return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    throw Error(ErrorCode::OperationFailed,
                "cgroup '" + dir.string() + "' did not become " + (frozen ? "frozen" : "thawed"));
}

namespace {
uint64_t readNumber(const fs::path& file) {
    auto text = util::readFileIfExists(file);
    return text ? std::strtoull(text->c_str(), nullptr, 10) : 0;
}
// "key value" lines (cpu.stat, memory.stat)
uint64_t readKey(const fs::path& file, std::string_view key) {
    auto text = util::readFileIfExists(file).value_or("");
    size_t pos = 0;
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        std::string_view line(text.data() + pos,
                              (eol == std::string::npos ? text.size() : eol) - pos);
        if (line.substr(0, key.size()) == key && line.size() > key.size() &&
            line[key.size()] == ' ')
            return std::strtoull(std::string(line.substr(key.size() + 1)).c_str(), nullptr, 10);
        pos = eol == std::string::npos ? text.size() : eol + 1;
    }
    return 0;
}
}  // namespace

DomainCgroup::Stats DomainCgroup::stats() const {
    Stats st;
    if (const Hierarchy* h = host_->forController("cpuacct"); h && !h->unified)
        st.cpuNs = readNumber(pathFor("cpuacct") / "cpuacct.usage");
    else if (const Hierarchy* c = host_->forController("cpu"); c && c->unified)
        st.cpuNs = readKey(pathFor("cpu") / "cpu.stat", "usage_usec") * 1000;
    if (const Hierarchy* h = host_->forController("memory"))
        st.memoryBytes = readNumber(pathFor("memory") /
                                    (h->unified ? "memory.current" : "memory.usage_in_bytes"));
    if (host_->forController("pids")) st.pids = readNumber(pathFor("pids") / "pids.current");
    return st;
}

void DomainCgroup::killAll() noexcept {
    for (int round = 0; round < 200; ++round) {
        bool any = false;
        for (const Dir& d : dirs_) {
            auto procs = util::readFileIfExists(d.path / "cgroup.procs");
            if (!procs) continue;
            size_t p = 0;
            while (p < procs->size()) {
                size_t e = procs->find('\n', p);
                if (e == std::string::npos) e = procs->size();
                if (e > p) {
                    any = true;
                    ::kill(std::stoi(procs->substr(p, e - p)), SIGKILL);
                }
                p = e + 1;
            }
        }
        if (!any) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void DomainCgroup::remove() noexcept {
    killAll();
    for (const Dir& d : dirs_) {
        for (int i = 0; i < 100 && ::rmdir(d.path.c_str()) < 0 && errno == EBUSY; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        for (auto it = d.parents.rbegin(); it != d.parents.rend(); ++it)
            ::rmdir(it->c_str());  // fails while another domain lives there
    }
    owning_ = false;
}

}  // namespace cvirt::cgroup
