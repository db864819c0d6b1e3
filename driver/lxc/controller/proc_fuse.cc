#define FUSE_USE_VERSION 34
#include "lxc/controller/proc_fuse.h"

#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <sstream>

#include "conf/cpuset.h"
#include "cvirt/error.h"
#include "lxc/controller/proc_views.h"
#include "util/file.h"

namespace cvirt::lxc {

namespace fs = std::filesystem;

namespace {

constexpr fuse_ino_t kFirstFileIno = FUSE_ROOT_ID + 1;
constexpr size_t kFileCount = std::size(kProcViewFiles);
constexpr double kEntryTimeout = 3600;  // the tree never changes; sizes do

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

// A number in a cgroup file; nullopt when missing or "max".
std::optional<uint64_t> number(const fs::path& file) {
    auto text = util::readFileIfExists(file);
    if (!text || text->empty() || text->compare(0, 3, "max") == 0) return std::nullopt;
    return std::strtoull(text->c_str(), nullptr, 10);
}

std::map<std::string, uint64_t> keyed(const fs::path& file) {
    std::map<std::string, uint64_t> out;
    std::istringstream in(util::readFileIfExists(file).value_or(""));
    std::string key;
    uint64_t v;
    while (in >> key >> v)
        out[key] = v;
    return out;
}

bool unified(const cgroup::HostLayout& host, std::string_view controller) {
    const cgroup::Hierarchy* h = host.forController(controller);
    return h && h->unified;
}

MemoryCounters readMemory(const cgroup::HostLayout& host, const cgroup::DomainCgroup& cg) {
    MemoryCounters m;
    fs::path dir = cg.pathFor("memory");
    if (dir.empty()) return m;
    if (unified(host, "memory")) {
        m.limit = number(dir / "memory.max");
        m.usage = number(dir / "memory.current").value_or(0);
        m.stat = keyed(dir / "memory.stat");
        m.swapLimit = number(dir / "memory.swap.max");
        m.swapUsage = number(dir / "memory.swap.current");
        return m;
    }
    constexpr uint64_t kUnlimited = uint64_t(1) << 60;  // v1 writes PAGE_COUNTER_MAX pages
    auto limited = [&](std::optional<uint64_t> v) {
        return v && *v < kUnlimited ? v : std::nullopt;
    };
    m.limit = limited(number(dir / "memory.limit_in_bytes"));
    m.usage = number(dir / "memory.usage_in_bytes").value_or(0);
    // v1's hierarchical totals under v2's names
    static const std::pair<const char*, const char*> kNames[] = {
        {"total_cache", "file"},
        {"total_rss", "anon"},
        {"total_shmem", "shmem"},
        {"total_mapped_file", "file_mapped"},
        {"total_active_anon", "active_anon"},
        {"total_inactive_anon", "inactive_anon"},
        {"total_active_file", "active_file"},
        {"total_inactive_file", "inactive_file"},
        {"total_unevictable", "unevictable"},
    };
    auto stat = keyed(dir / "memory.stat");
    for (auto [v1, v2] : kNames)
        if (auto it = stat.find(v1); it != stat.end()) m.stat[v2] = it->second;
    auto memswUsage = number(dir / "memory.memsw.usage_in_bytes");
    if (memswUsage) {  // swap accounted
        m.swapUsage = *memswUsage > m.usage ? *memswUsage - m.usage : 0;
        auto memswLimit = limited(number(dir / "memory.memsw.limit_in_bytes"));
        if (memswLimit && m.limit) m.swapLimit = *memswLimit - std::min(*memswLimit, *m.limit);
    }
    return m;
}

std::vector<unsigned> readCpus(const cgroup::HostLayout& host, const cgroup::DomainCgroup& cg,
                               pid_t init) {
    std::vector<unsigned> cpus;
    if (fs::path dir = cg.pathFor("cpuset"); !dir.empty()) {
        bool v2 = unified(host, "cpuset");
        auto text =
            util::readFileIfExists(dir / (v2 ? "cpuset.cpus.effective" : "cpuset.effective_cpus"));
        if (!text) text = util::readFileIfExists(dir / "cpuset.cpus");
        if (text)
            if (auto set = conf::parseCpuset(trimmed(*text))) cpus = *set;
    }
    if (cpus.empty()) {  // no cpuset controller here: what the scheduler lets init use
        cpu_set_t mask;
        CPU_ZERO(&mask);
        if (::sched_getaffinity(init, sizeof mask, &mask) == 0)
            for (unsigned c = 0; c < CPU_SETSIZE; ++c)
                if (CPU_ISSET(c, &mask)) cpus.push_back(c);
    }
    std::optional<int64_t> quota;
    uint64_t period = 100000;
    if (fs::path dir = cg.pathFor("cpu"); !dir.empty()) {
        if (unified(host, "cpu")) {
            std::istringstream in(util::readFileIfExists(dir / "cpu.max").value_or(""));
            std::string q;
            if (in >> q >> period && q != "max") quota = std::strtoll(q.c_str(), nullptr, 10);
        } else {
            auto q = util::readFileIfExists(dir / "cpu.cfs_quota_us");
            if (q && std::strtoll(q->c_str(), nullptr, 10) > 0)
                quota = std::strtoll(q->c_str(), nullptr, 10);
            period = number(dir / "cpu.cfs_period_us").value_or(period);
        }
    }
    return visibleCpus(cpus, quota, period);
}

// Seconds since `pid` started (field 22 of /proc/PID/stat, in clock ticks since boot).
double secondsSinceStart(pid_t pid) {
    double hostUp = std::strtod(util::readFile("/proc/uptime").c_str(), nullptr);
    std::string stat = util::readFile("/proc/" + std::to_string(pid) + "/stat");
    std::istringstream in(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int i = 3; i < 22 && in >> field; ++i) {
    }
    unsigned long long ticks = 0;
    in >> ticks;
    return hostUp - static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

ProcFuse& self(fuse_req_t req) {
    return *static_cast<ProcFuse*>(fuse_req_userdata(req));
}

// A file's size is its length now (not /proc's 0): the kernel splices a FUSE file (sendfile,
// busybox cat) only up to its size.
struct stat attrOf(fuse_req_t req, fuse_ino_t ino) {
    struct stat st {};
    st.st_ino = ino;
    st.st_nlink = 1;
    st.st_mode = ino == FUSE_ROOT_ID ? S_IFDIR | 0555 : S_IFREG | 0444;
    if (ino == FUSE_ROOT_ID) {
        st.st_nlink = 2;
        return st;
    }
    try {
        st.st_size =
            static_cast<off_t>(self(req).render(kProcViewFiles[ino - kFirstFileIno]).size());
    } catch (const std::exception&) {
    }
    return st;
}

bool known(fuse_ino_t ino) {
    return ino >= FUSE_ROOT_ID && ino < kFirstFileIno + kFileCount;
}

void lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
    for (size_t i = 0; parent == FUSE_ROOT_ID && i < kFileCount; ++i) {
        if (std::strcmp(name, kProcViewFiles[i]) != 0) continue;
        fuse_entry_param e{};
        e.ino = kFirstFileIno + i;
        e.attr = attrOf(req, e.ino);
        e.entry_timeout = kEntryTimeout;
        fuse_reply_entry(req, &e);
        return;
    }
    fuse_reply_err(req, ENOENT);
}

void getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
    if (!known(ino)) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    struct stat st = attrOf(req, ino);
    fuse_reply_attr(req, &st, 0);
}

void open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    if (ino < kFirstFileIno || !known(ino)) {
        fuse_reply_err(req, ino == FUSE_ROOT_ID ? EISDIR : ENOENT);
        return;
    }
    if ((fi->flags & O_ACCMODE) != O_RDONLY) {
        fuse_reply_err(req, EACCES);
        return;
    }
    try {
        // Rendered once per open, as /proc's own seq files are: a reader sees one moment.
        auto text =
            std::make_unique<std::string>(self(req).render(kProcViewFiles[ino - kFirstFileIno]));
        fi->fh = reinterpret_cast<uint64_t>(text.get());
        fi->direct_io = 1;            // read() goes by what the text holds, whatever the size says
        self(req).store(ino, *text);  // sendfile goes by the size
        if (fuse_reply_open(req, fi) == 0) text.release();
    } catch (const std::exception& e) {
        std::cerr << "cvirt-lxc-controller: /proc/" << kProcViewFiles[ino - kFirstFileIno] << ": "
                  << e.what() << std::endl;
        fuse_reply_err(req, EIO);
    }
}

void read(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
    const auto& text = *reinterpret_cast<const std::string*>(fi->fh);
    size_t at = std::min(static_cast<size_t>(off), text.size());
    fuse_reply_buf(req, text.data() + at, std::min(size, text.size() - at));
}

void release(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
    delete reinterpret_cast<std::string*>(fi->fh);
    fuse_reply_err(req, 0);
}

const fuse_lowlevel_ops kOps = [] {
    fuse_lowlevel_ops ops{};
    ops.lookup = lookup;
    ops.getattr = getattr;
    ops.open = open;
    ops.read = read;
    ops.release = release;
    return ops;
}();

}  // namespace

ProcFuse::ProcFuse(util::Fd dev, const cgroup::HostLayout& host, const cgroup::DomainCgroup& cgroup,
                   pid_t init)
    : host_(host), cgroup_(cgroup), init_(init) {
    char name[] = "cvirt-lxc-controller";
    char* argv[] = {name, nullptr};
    fuse_args args = FUSE_ARGS_INIT(1, argv);
    session_ = fuse_session_new(&args, &kOps, sizeof kOps, this);
    if (!session_) throw Error(ErrorCode::Internal, "cannot start the FUSE session of /proc");
    // libfuse's way to adopt a connection mounted by someone else (the container's child)
    std::string adopt = "/dev/fd/" + std::to_string(dev.get());
    if (fuse_session_mount(session_, adopt.c_str()) != 0) {
        fuse_session_destroy(session_);
        throw Error(ErrorCode::Internal, "cannot adopt the FUSE connection of /proc");
    }
    int fd = dev.release();  // the session's now
    // Only read when poll says so; a request the kernel withdrew meanwhile must not block us.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

ProcFuse::~ProcFuse() {
    fuse_session_destroy(session_);  // closes the connection
    std::free(buf_);
}

void ProcFuse::store(uint64_t ino, const std::string& text) noexcept {
    fuse_bufvec buf = FUSE_BUFVEC_INIT(text.size());
    buf.buf[0].mem = const_cast<char*>(text.data());
    fuse_lowlevel_notify_store(session_, ino, 0, &buf, FUSE_BUF_SPLICE_NONBLOCK);
}

int ProcFuse::fd() const {
    return fuse_session_fd(session_);
}

bool ProcFuse::serve() noexcept {
    fuse_buf buf{};
    buf.mem = buf_;
    int n = fuse_session_receive_buf(session_, &buf);
    buf_ = buf.mem;  // allocated by libfuse on first use
    if (n == -EINTR || n == -EAGAIN) return true;
    if (n <= 0 || fuse_session_exited(session_)) return false;
    fuse_session_process_buf(session_, &buf);
    return !fuse_session_exited(session_);
}

std::string ProcFuse::render(std::string_view name) const {
    if (name == "meminfo")
        return meminfoView(util::readFile("/proc/meminfo"), readMemory(host_, cgroup_));
    std::vector<unsigned> cpus = readCpus(host_, cgroup_, init_);
    if (name == "cpuinfo") return cpuinfoView(util::readFile("/proc/cpuinfo"), cpus);
    if (name == "stat") return statView(util::readFile("/proc/stat"), cpus);
    return uptimeView(secondsSinceStart(init_), static_cast<double>(cgroup_.stats().cpuNs) / 1e9,
                      cpus.size());
}

}  // namespace cvirt::lxc
