// SPDX-License-Identifier: GPL-3.0-or-later
#include "cgroup/domain_cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "cgroup/brief_counters.h"
#include "cvirt/error.h"
#include "util/digest.h"
#include "util/fd.h"
#include "util/file.h"
#include "util/stamp.h"

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

// A weight goes to the plain file when the kernel has it, else to BFQ's (as libvirt does);
// with neither, the host's block layer has no cgroup weights at all.
void writeWeight(const fs::path& dir, const std::string& file, const std::string& value) {
    if (fs::exists(dir / file)) return writeValue(dir / file, value);
    std::string bfq = file.substr(0, file.find('.')) + ".bfq." + file.substr(file.find('.') + 1);
    if (fs::exists(dir / bfq)) return writeValue(dir / bfq, value);
    throw Error(ErrorCode::ConfigUnsupported,
                "this host's block layer has no cgroup I/O weights (neither " + file + " nor " +
                    bfq +
                    " exists; the BFQ scheduler with group scheduling provides them): "
                    "remove the <blkiotune> weight");
}

bool usesHierarchy(const Hierarchy& h) {
    if (h.unified) return true;
    for (auto c : kControllers)
        if (std::find(h.controllers.begin(), h.controllers.end(), c) != h.controllers.end())
            return true;
    return false;
}

bool isV1Cpuset(const Hierarchy& h) {
    return !h.unified &&
           std::find(h.controllers.begin(), h.controllers.end(), "cpuset") != h.controllers.end();
}

// v1 cpuset starts empty: inherit the parent's cpus and mems so tasks can join.
void inheritCpuset(const Hierarchy& h, const fs::path& dir) {
    if (!isV1Cpuset(h)) return;
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
        char hex[9];
        std::snprintf(hex, sizeof hex, "%08x", util::fnv1a32(root.string()));
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
        dirs.push_back(Dir{&h, h.mount / rel / std::string(leaf)});
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
        bool leafLevel = std::next(it) == rel.end();
        // A v1 cpuset level with clone_children hands its cpus and mems to a new child at
        // mkdir (LXC sets it so too), where writing them after costs the kernel a walk over
        // every sibling: 0.23 ms with 1,000 running domains, 0.03 ms with clone_children.
        // Only on the partition (never the hierarchy's root); inheritCpuset below still fills
        // a child that got empty masks.
        if (leafLevel && isV1Cpuset(h) && cur != h.mount) {
            try {
                writeValue(cur / "cgroup.clone_children", "1");
            } catch (const Error&) {
            }
        }
        cur /= *it;
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
    cg.make();
    return cg;
}

void DomainCgroup::make(pid_t pid) {
    size_t made = 0;  // leaves this call created
    try {
        for (size_t i = 0; i < dirs_.size(); ++i) {
            // Another domain leaving the partition may remove it between our steps: walk again.
            for (int attempt = 0;; ++attempt) {
                try {
                    createPath(*dirs_[i].hierarchy, dirs_[i].path);
                    util::stamp("ctl:cgroup-made " + dirs_[i].hierarchy->mount.filename().string());
                    break;
                } catch (const Error& e) {
                    if (e.sysErrno() != ENOENT || attempt == 5) throw;
                }
            }
            made = i + 1;
            if (pid > 0) attachOne(dirs_[i], pid);
        }
    } catch (...) {
        // Only what this call made is removed (with `pid` in it, if it went in): a leaf that
        // already existed belongs to a running domain, whose processes must not be touched.
        DomainCgroup cleanup(*host_, {dirs_.begin(), dirs_.begin() + static_cast<long>(made)},
                             true);
        throw;
    }
    owning_ = true;
}

fs::path DomainCgroup::pathFor(std::string_view controller) const {
    const Hierarchy* h = host_->forController(controller);
    for (const Dir& d : dirs_)
        if (d.hierarchy == h) return d.path;
    return {};
}

fs::path DomainCgroup::pathIn(const Hierarchy& h) const {
    for (const Dir& d : dirs_)
        if (d.hierarchy == &h) return d.path;
    return {};
}

bool DomainCgroup::exists() const {
    return !dirs_.empty() && ::access(dirs_.front().path.c_str(), F_OK) == 0;
}

void DomainCgroup::attachOne(const Dir& d, pid_t pid) {
    writeValue(d.path / "cgroup.procs", std::to_string(pid));
    util::stamp("ctl:cgroup-attached " + d.hierarchy->mount.filename().string());
}

void DomainCgroup::attach(pid_t pid) {
    for (const Dir& d : dirs_)
        attachOne(d, pid);
}

void DomainCgroup::write(const std::vector<Write>& plan, bool unified) {
    std::vector<const Write*> retry;
    auto one = [&](const Write& w) {
        std::string ctl = !unified && w.controller == "io" ? "blkio" : w.controller;
        const Hierarchy* h = host_->forController(ctl);
        if (!h || h->unified != unified) return;
        fs::path dir = pathFor(ctl);
        if (dir.empty()) return;
        std::string value = w.value;
        if (value.empty() && !unified)  // v1 cpuset: back to the parent's
            value = util::readFileIfExists(dir.parent_path() / w.file).value_or("");
        if (w.file.ends_with(".weight") || w.file.ends_with(".weight_device"))
            if (w.controller == "io" || w.controller == "blkio")
                return writeWeight(dir, w.file, value);
        writeValue(dir / w.file, value);
    };
    for (const Write& w : plan) {
        try {
            one(w);
        } catch (const Error& e) {
            // v1 wants memory.limit_in_bytes <= memsw.limit_in_bytes at every step: a write
            // refused for that order succeeds once the other one is done.
            if (e.sysErrno() != EINVAL || !w.file.starts_with("memory.")) throw;
            retry.push_back(&w);
        }
    }
    for (const Write* w : retry)
        one(*w);
}

void DomainCgroup::apply(const Limits& limits) {
    write(planV1(limits), false);
    write(planV2(limits), true);
}

void DomainCgroup::change(const Limits& before, const Limits& after) {
    auto move = [&](const Limits& from, const Limits& to) {
        write(planChange(planV1(from), planV1(to), false), false);
        write(planChange(planV2(from), planV2(to), true), true);
    };
    try {
        move(before, after);
    } catch (const Error&) {
        try {
            move(after, before);  // what was written goes back
        } catch (const Error&) {
        }
        throw;
    }
}

void DomainCgroup::setDevices(const std::vector<DeviceRule>& rules) {
    installDevices(prepareDevices(rules));
}

DomainCgroup::PreparedDevices DomainCgroup::prepareDevices(
    const std::vector<DeviceRule>& rules) const {
    PreparedDevices p{rules, {}};
    for (const Dir& d : dirs_)
        if (d.hierarchy->unified)
            p.programs.emplace_back(d.path.string(), loadDeviceProgram(d.path.string(), rules));
    return p;
}

void DomainCgroup::installDevices(const PreparedDevices& prepared) {
    for (const auto& [dir, program] : prepared.programs)
        attachDeviceProgram(dir, program);
    for (const Dir& d : dirs_) {
        if (d.hierarchy->unified ||
            std::find(d.hierarchy->controllers.begin(), d.hierarchy->controllers.end(),
                      "devices") == d.hierarchy->controllers.end())
            continue;
        writeValue(d.path / "devices.deny", "a");
        // one rule per write(2), all through one descriptor
        fs::path allow = d.path / "devices.allow";
        util::Fd fd(::open(allow.c_str(), O_WRONLY | O_CLOEXEC));
        if (!fd) throwSystemError(errno, "cannot open '" + allow.string() + "'");
        for (const DeviceRule& r : prepared.rules) {
            std::string line = v1Line(r);
            if (::write(fd.get(), line.data(), line.size()) < 0)
                throwSystemError(errno, "cannot write '" + line + "' to '" + allow.string() + "'");
        }
    }
}

void DomainCgroup::changeDevices(const std::vector<DeviceRule>& before,
                                 const std::vector<DeviceRule>& after) {
    auto missing = [](const std::vector<DeviceRule>& from, const std::vector<DeviceRule>& in) {
        std::vector<DeviceRule> out;
        for (const DeviceRule& r : from)
            if (std::find(in.begin(), in.end(), r) == in.end()) out.push_back(r);
        return out;
    };
    for (const Dir& d : dirs_) {
        if (d.hierarchy->unified) {
            replaceDeviceProgram(d.path.string(), after);
        } else if (std::find(d.hierarchy->controllers.begin(), d.hierarchy->controllers.end(),
                             "devices") != d.hierarchy->controllers.end()) {
            for (const DeviceRule& r : missing(before, after))
                writeValue(d.path / "devices.deny", v1Line(r));
            for (const DeviceRule& r : missing(after, before))
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
    auto text = util::readKernelFileIfExists(file);
    return text ? std::strtoull(text->c_str(), nullptr, 10) : 0;
}
// Calls `fn` with each line of `text` (no newline); stops early when it returns true.
template <typename F>
void forEachLine(const std::string& text, F fn) {
    for (size_t pos = 0; pos < text.size();) {
        size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        if (fn(std::string_view(text.data() + pos, eol - pos))) return;
        pos = eol + 1;
    }
}
// "key value" lines (cpu.stat, memory.stat)
uint64_t parseKey(const std::string& text, std::string_view key) {
    uint64_t value = 0;
    forEachLine(text, [&](std::string_view line) {
        if (line.size() <= key.size() || line.substr(0, key.size()) != key ||
            line[key.size()] != ' ')
            return false;
        value = std::strtoull(std::string(line.substr(key.size() + 1)).c_str(), nullptr, 10);
        return true;
    });
    return value;
}
uint64_t readKey(const fs::path& file, std::string_view key) {
    return parseKey(util::readFileIfExists(file).value_or(""), key);
}

// v1 blkio.throttle.io_service_bytes / io_serviced: "MAJ:MIN Read N" lines.
void addV1Io(std::vector<DomainCgroup::IoStats>& io, const std::string& text, bool bytes) {
    forEachLine(text, [&](std::string_view view) {
        std::string line(view);
        char dev[32], op[16];
        unsigned long long n = 0;
        if (std::sscanf(line.c_str(), "%31s %15s %llu", dev, op, &n) != 3) return false;
        std::string_view o(op);
        if (o != "Read" && o != "Write") return false;
        auto it = std::find_if(io.begin(), io.end(), [&](auto& s) { return s.device == dev; });
        if (it == io.end()) it = io.insert(io.end(), {.device = dev});
        (o == "Read" ? (bytes ? it->readBytes : it->readOps)
                     : (bytes ? it->writeBytes : it->writeOps)) += n;
        return false;
    });
}
// v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N …"
std::vector<DomainCgroup::IoStats> v2Io(const std::string& text) {
    std::vector<DomainCgroup::IoStats> io;
    forEachLine(text, [&](std::string_view view) {
        std::string line(view);
        size_t sp = line.find(' ');
        if (sp == std::string::npos) return false;
        DomainCgroup::IoStats s{.device = line.substr(0, sp)};
        auto field = [&](const char* key) -> uint64_t {
            size_t k = line.find(std::string(" ") + key + "=");
            return k == std::string::npos
                       ? 0
                       : std::strtoull(line.c_str() + k + std::strlen(key) + 2, nullptr, 10);
        };
        s.readBytes = field("rbytes");
        s.writeBytes = field("wbytes");
        s.readOps = field("rios");
        s.writeOps = field("wios");
        io.push_back(s);
        return false;
    });
    return io;
}
}  // namespace

DomainCgroup::BriefFiles DomainCgroup::briefFiles() const {
    BriefFiles f;
    if (const Hierarchy* h = host_->forController("cpuacct"); h && !h->unified)
        f.cpu = pathFor("cpuacct") / "cpuacct.usage";
    else if (const Hierarchy* c = host_->forController("cpu"); c && c->unified)
        f.cpu = pathFor("cpu") / "cpu.stat", f.cpuStat = true;
    if (const Hierarchy* h = host_->forController("memory"))
        f.memory = pathFor("memory") / (h->unified ? "memory.current" : "memory.usage_in_bytes");
    return f;
}

uint64_t DomainCgroup::parseBriefCpu(const std::string& text, bool cpuStat) {
    return cpuStat ? parseKey(text, "usage_usec") * 1000 : std::strtoull(text.c_str(), nullptr, 10);
}

DomainCgroup::Stats DomainCgroup::stats(bool brief) const {
    if (brief) return BriefCounters(*this).read().value_or(Stats{});
    Stats st;
    if (const Hierarchy* h = host_->forController("cpuacct"); h && !h->unified) {
        fs::path dir = pathFor("cpuacct");
        st.cpuNs = readNumber(dir / "cpuacct.usage");
        // cpuacct.stat counts USER_HZ ticks
        const uint64_t tickNs = 1000000000ull / static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
        st.cpuUserNs = readKey(dir / "cpuacct.stat", "user") * tickNs;
        st.cpuSystemNs = readKey(dir / "cpuacct.stat", "system") * tickNs;
        std::string per = util::readFileIfExists(dir / "cpuacct.usage_percpu").value_or("");
        const char* p = per.c_str();
        for (char* end;; p = end) {
            unsigned long long v = std::strtoull(p, &end, 10);
            if (end == p) break;
            st.perCpuNs.push_back(v);
        }
    } else if (const Hierarchy* c = host_->forController("cpu"); c && c->unified) {
        fs::path stat = pathFor("cpu") / "cpu.stat";
        st.cpuNs = readKey(stat, "usage_usec") * 1000;
        st.cpuUserNs = readKey(stat, "user_usec") * 1000;
        st.cpuSystemNs = readKey(stat, "system_usec") * 1000;
    }
    if (const Hierarchy* h = host_->forController("memory")) {
        fs::path dir = pathFor("memory");
        if (h->unified) {
            st.memoryBytes = readNumber(dir / "memory.current");
            st.swapBytes = readNumber(dir / "memory.swap.current");
        } else {
            st.memoryBytes = readNumber(dir / "memory.usage_in_bytes");
            uint64_t memsw = readNumber(dir / "memory.memsw.usage_in_bytes");
            st.swapBytes = memsw > st.memoryBytes ? memsw - st.memoryBytes : 0;
        }
    }
    if (host_->forController("pids")) {
        fs::path dir = pathFor("pids");
        st.pids = readNumber(dir / "pids.current");
        auto max = util::readFileIfExists(dir / "pids.max");
        if (max && !max->starts_with("max")) st.pidsMax = std::strtoull(max->c_str(), nullptr, 10);
    }
    if (const Hierarchy* h = host_->forController("io"); h && h->unified) {
        st.io = v2Io(util::readFileIfExists(pathFor("io") / "io.stat").value_or(""));
    } else if (host_->forController("blkio")) {
        fs::path dir = pathFor("blkio");
        addV1Io(st.io, util::readFileIfExists(dir / "blkio.throttle.io_service_bytes").value_or(""),
                true);
        addV1Io(st.io, util::readFileIfExists(dir / "blkio.throttle.io_serviced").value_or(""),
                false);
    }
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
        // A frozen task keeps its SIGKILL pending until thawed (a paused domain whose
        // controller died or was killed): the kills are sent, so thawing runs nothing more.
        if (round == 0) thawQuietly();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void DomainCgroup::thawQuietly() noexcept {
    const Hierarchy* h = host_->forController("freezer");
    fs::path dir = h ? pathFor("freezer") : fs::path();
    if (dir.empty()) return;
    try {
        if (h->unified)
            writeValue(dir / "cgroup.freeze", "0");
        else
            writeValue(dir / "freezer.state", "THAWED");
    } catch (const Error&) {
    }
}

void DomainCgroup::remove() noexcept {
    killAll();
    for (const Dir& d : dirs_) {
        for (int i = 0; i < 100 && ::rmdir(d.path.c_str()) < 0 && errno == EBUSY; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        // the partition directories below the hierarchy root, deepest first
        const fs::path& mount = d.hierarchy->mount;
        for (fs::path p = d.path.parent_path();
             p != mount && p.has_relative_path() && p.native().size() > mount.native().size();
             p = p.parent_path())
            ::rmdir(p.c_str());  // fails while another domain lives there
    }
    owning_ = false;
}

}  // namespace cvirt::cgroup
