// SPDX-License-Identifier: GPL-3.0-or-later
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
#include "lxc/controller/container_counters.h"
#include "lxc/controller/proc_views.h"
#include "util/file.h"

namespace cvirt::lxc {

namespace fs = std::filesystem;

namespace {

constexpr fuse_ino_t kFirstFileIno = FUSE_ROOT_ID + 1;
constexpr size_t kFileCount = std::size(kProcViewFiles);
constexpr double kEntryTimeout = 3600;  // the tree never changes; sizes do
ProcFuse& self(fuse_req_t req) {
    return *static_cast<ProcFuse*>(fuse_req_userdata(req));
}

// The size a file claims: more than any of them holds. read() ignores it (direct_io), but the
// kernel splices a FUSE file (sendfile: busybox cat) only up to its size, through the page
// cache, and a short read there sets the size to where the text ended. Storing the text into
// the cache at open instead would deadlock: the store waits on a page that a reader holds
// locked while it waits for us.
constexpr off_t kClaimedSize = 1 << 20;

struct stat attrOf(fuse_ino_t ino) {
    struct stat st {};
    st.st_ino = ino;
    st.st_nlink = ino == FUSE_ROOT_ID ? 2 : 1;
    st.st_mode = ino == FUSE_ROOT_ID ? S_IFDIR | 0555 : S_IFREG | 0444;
    if (ino != FUSE_ROOT_ID) st.st_size = kClaimedSize;
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
        e.attr = attrOf(e.ino);
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
    struct stat st = attrOf(ino);
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
        fi->direct_io = 1;  // read() goes by what the text holds, whatever the size says
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
