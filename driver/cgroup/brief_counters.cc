// SPDX-License-Identifier: GPL-3.0-or-later
#include "cgroup/brief_counters.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace cvirt::cgroup {

namespace {

util::Fd openIfAny(const fs::path& file) {
    return file.empty() ? util::Fd() : util::Fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
}

// The file's text from its start (one record: one read), "" if there is no file; nullopt
// when it belongs to a removed cgroup.
std::optional<std::string> reread(const util::Fd& fd) {
    if (!fd) return std::string();
    char buf[1024];
    ssize_t n;
    do
        n = ::pread(fd.get(), buf, sizeof buf - 1, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

BriefCounters::BriefCounters(const DomainCgroup& cg) {
    DomainCgroup::BriefFiles files = cg.briefFiles();
    cpu_ = openIfAny(files.cpu);
    memory_ = openIfAny(files.memory);
    cpuStat_ = files.cpuStat;
}

std::optional<DomainCgroup::Stats> BriefCounters::read() const {
    auto cpu = reread(cpu_), memory = reread(memory_);
    if (!cpu || !memory) return std::nullopt;
    DomainCgroup::Stats st;
    st.cpuNs = DomainCgroup::parseBriefCpu(*cpu, cpuStat_);
    st.memoryBytes = std::strtoull(memory->c_str(), nullptr, 10);
    return st;
}

DomainCgroup::Stats BriefCountersCache::read(const std::string& name, const util::ProcessRef& owner,
                                             const std::function<DomainCgroup()>& open) {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    if (now - swept_ >= std::chrono::seconds(1)) {
        std::erase_if(entries_,
                      [&](const auto& e) { return e.first != name && !e.second.owner.alive(); });
        swept_ = now;
    }
    auto it = entries_.find(name);
    if (it == entries_.end() || !(it->second.owner == owner)) {
        if (it != entries_.end()) entries_.erase(it);
        it = entries_.emplace(name, Entry{owner, BriefCounters(open())}).first;
    }
    std::optional<DomainCgroup::Stats> st = it->second.counters.read();
    if (!st) {
        entries_.erase(it);
        return {};
    }
    return *st;
}

}  // namespace cvirt::cgroup
