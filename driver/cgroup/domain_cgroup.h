// SPDX-License-Identifier: GPL-3.0-or-later
// Owner of one domain's cgroup: <partition>/<leaf> in every hierarchy cvirt uses. The
// destructor kills what is left inside and removes the directories it created, so a start
// that fails halfway leaves no cgroup behind.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cgroup/devices.h"
#include "cgroup/layout.h"
#include "cgroup/limits.h"
#include "conf/domain_def.h"
#include "util/fd.h"

namespace cvirt::cgroup {

// Leaf name for a domain: "<name>.cvirt-lxc", plus "-<8 hex>" of the embed root so two roots
// never collide.
std::string leafName(std::string_view domain, std::string_view driver, const fs::path& root);

// Where a domain's cgroup lives: <resource><partition> (default /machine) and its leaf.
struct Placement {
    std::string partition, leaf;
};
Placement placementFor(const conf::DomainDef& def, std::string_view driver, const fs::path& root);

class DomainCgroup {
public:
    // Creates the directories (and enables the v2 controllers on the way down). Throws; on
    // failure what it created is removed.
    static DomainCgroup create(const HostLayout& host, std::string_view partition,
                               std::string_view leaf);
    // The same in two steps, for a controller that makes the cgroup on a thread while its
    // main one goes on: the paths at once (open), the directories then (make: the object
    // owns them from then on). Nothing but make() and the destructor changes the object, so
    // the main thread may hold on to it (pathFor) meanwhile. A `pid` is moved into each
    // hierarchy's leaf as soon as that exists: the first move waits for an RCU grace period
    // (milliseconds on a loaded host), which then begins as early as it can.
    void make(pid_t pid = 0);
    // An existing cgroup, for later commands (setmem, stats, suspend); does not remove it.
    static DomainCgroup open(const HostLayout& host, std::string_view partition,
                             std::string_view leaf);
    static DomainCgroup open(const HostLayout& host, const Placement& p) {
        return open(host, p.partition, p.leaf);
    }

    DomainCgroup(DomainCgroup&&) noexcept = default;
    DomainCgroup& operator=(DomainCgroup&& other) noexcept;
    DomainCgroup(const DomainCgroup&) = delete;
    ~DomainCgroup();

    void attach(pid_t pid);
    // Writes the limits in each hierarchy's own dialect; errors name the file and the value.
    void apply(const Limits& limits);
    // Moves a running domain from `before` to `after`, writing only what differs; when the
    // kernel refuses a value, what was already written is put back and the error thrown.
    void change(const Limits& before, const Limits& after);
    void freeze(bool frozen);
    // Deny every device but `rules`: v1 devices.deny/allow, and on a cgroup2 hierarchy an
    // eBPF device program (on hybrid hosts both apply).
    void setDevices(const std::vector<DeviceRule>& rules);
    // setDevices in two steps: what takes time (loading the cgroup2 programs, which the
    // kernel verifies) ahead of the moment the filter must hold, and then only the attach
    // and the v1 writes (installDevices). Nothing is filtered before installDevices.
    struct PreparedDevices {
        std::vector<DeviceRule> rules;
        std::vector<std::pair<std::string, util::Fd>> programs;  // cgroup2 dir, loaded program
    };
    PreparedDevices prepareDevices(const std::vector<DeviceRule>& rules) const;
    void installDevices(const PreparedDevices& prepared);
    // A running domain's whitelist goes from `before` to `after` (a device attached or
    // detached): v1 allows what is new and denies what is gone, cgroup2 swaps the program.
    void changeDevices(const std::vector<DeviceRule>& before, const std::vector<DeviceRule>& after);

    struct IoStats {
        std::string device;  // "MAJ:MIN"
        uint64_t readOps = 0, readBytes = 0, writeOps = 0, writeBytes = 0;
    };
    struct Stats {
        uint64_t cpuNs = 0;  // CPU time of every task, user + system
        uint64_t cpuUserNs = 0, cpuSystemNs = 0;
        std::vector<uint64_t> perCpuNs;  // v1 cpuacct.usage_percpu; empty on v2
        uint64_t memoryBytes = 0;        // current usage
        uint64_t swapBytes = 0;
        uint64_t pids = 0;                // tasks now
        std::optional<uint64_t> pidsMax;  // nullopt: "max"
        std::vector<IoStats> io;          // per device
    };
    // Reads the counters from whichever hierarchy holds each controller; `brief`: the CPU
    // time and the memory charged only (dominfo's figures, two files: briefFiles).
    Stats stats(bool brief = false) const;
    // The two files of stats(true): CPU time (v1 cpuacct.usage in ns, or cgroup2's cpu.stat
    // with its usage_usec line: `cpuStat`) and memory charged; "" where the host has no
    // such controller. cgroup/brief_counters.h keeps them open.
    struct BriefFiles {
        fs::path cpu;
        bool cpuStat = false;
        fs::path memory;
    };
    BriefFiles briefFiles() const;
    // CPU time in ns from the text of BriefFiles::cpu.
    static uint64_t parseBriefCpu(const std::string& text, bool cpuStat);
    bool exists() const;
    // The directory holding `controller`, or "" if the host has none.
    fs::path pathFor(std::string_view controller) const;
    // The leaf in `h` (one of the host layout's own), or empty where the domain has none.
    fs::path pathIn(const Hierarchy& h) const;
    // SIGKILLs every process inside, until none is left (bounded wait); a frozen cgroup is
    // thawed once they are signalled, or they would never die.
    void killAll() noexcept;
    // killAll, then rmdir of the leaf and of the partition directories once they are empty
    // (whoever created them: the last domain to leave a partition removes it).
    void remove() noexcept;
    // Ownership goes to the caller: the destructor will not remove the cgroup.
    void release() noexcept { owning_ = false; }

private:
    void write(const std::vector<Write>& plan, bool unified);
    void thawQuietly() noexcept;
    struct Dir {
        const Hierarchy* hierarchy = nullptr;
        fs::path path;  // the leaf; the partition directories are its parents up to the mount
    };
    void attachOne(const Dir& d, pid_t pid);
    DomainCgroup(const HostLayout& host, std::vector<Dir> dirs, bool owning)
        : host_(&host), dirs_(std::move(dirs)), owning_(owning) {}
    const HostLayout* host_;
    std::vector<Dir> dirs_;
    bool owning_;
};

}  // namespace cvirt::cgroup
