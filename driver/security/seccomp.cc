// SPDX-License-Identifier: GPL-3.0-or-later
#include "security/seccomp.h"

#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "cvirt/error.h"
#include "util/fd.h"

namespace cvirt::security {

std::vector<SyscallRule> defaultProfile(bool keepsSysAdmin) {
    std::vector<SyscallRule> r;
    auto deny = [&](std::initializer_list<const char*> names, const char* why, int err = EPERM) {
        for (const char* n : names)
            r.push_back({n, err, std::nullopt, why});
    };
    deny({"kexec_load", "kexec_file_load"}, "boot another kernel");
    deny({"init_module", "finit_module", "delete_module", "create_module", "query_module",
          "get_kernel_syms"},
         "load or unload kernel modules");
    deny({"open_by_handle_at", "name_to_handle_at"},
         "open host files by handle, around the mount namespace");
    deny({"keyctl", "add_key", "request_key"}, "the kernel keyring is not namespaced");
    deny({"perf_event_open"}, "observe the host's processes and kernel");
    deny({"bpf"}, "load BPF programs into the kernel");
    deny({"userfaultfd"}, "stall the kernel on a page fault (exploit aid)");
    deny({"acct"}, "switch process accounting for the host");
    deny({"swapon", "swapoff"}, "change the host's swap");
    deny({"iopl", "ioperm"}, "raw port I/O");
    deny({"settimeofday", "clock_settime", "clock_adjtime", "stime"},
         "change the host's clock (not namespaced)");
    deny({"lookup_dcookie", "nfsservctl", "uselib", "vm86", "vm86old", "_sysctl", "sysfs", "ustat"},
         "obsolete interfaces");
    deny({"fanotify_init"}, "watch the host's file systems");
    deny({"quotactl"}, "change the host's disk quotas");
    deny({"syslog"}, "read the host's kernel log, set the console level, clear the log");
    // clone3 passes its flags in memory, where a filter cannot look: ENOSYS makes the C
    // library fall back to clone, whose flags it can.
    deny({"clone3"}, "flags hidden from the filter (libc falls back to clone)", ENOSYS);
    if (!keepsSysAdmin) {
        deny({"mount", "umount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen",
              "fsmount", "fsconfig", "fspick", "mount_setattr"},
             "mount without CAP_SYS_ADMIN");
        for (const char* n : {"unshare", "clone"})
            r.push_back({n, EPERM, ArgMatch{0, CLONE_NEWUSER, CLONE_NEWUSER},
                         "a new user namespace would give back every capability inside it"});
    } else {
        // mount(2)'s flags are argument 3; the kernel looks at them in this order.
        const uint64_t kPropagation = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;
        auto mountWhen = [&](uint64_t mask, uint64_t value, const char* why) {
            r.push_back({"mount", EPERM, ArgMatch{3, mask, value}, why});
        };
        // The kernel strips this legacy magic from the high bits before it reads the flags;
        // the rules below would read it as propagation flags and let a new mount through.
        mountWhen(MS_MGC_MSK, MS_MGC_VAL, "legacy magic hiding the flags from the rules below");
        mountWhen(MS_REMOUNT | MS_RDONLY, MS_REMOUNT,
                  "remount read-write what cvirt made read-only (/sys, /proc/sys)");
        // Without MS_BIND a remount reconfigures the superblock, shared with the host's
        // mounts of it (the root's file system, sysfs, cgroups, bind sources): read-only or
        // resized there for everyone. Only per-mount (bind) remounts stay inside.
        mountWhen(MS_REMOUNT | MS_BIND, MS_REMOUNT,
                  "reconfigure a superblock the host shares (read-only, options)");
        mountWhen(MS_REMOUNT | MS_BIND, MS_BIND, "bind what a mask covers somewhere else");
        mountWhen(MS_REMOUNT | MS_BIND | MS_MOVE | kPropagation, MS_MOVE, "move a mask away");
        mountWhen(MS_REMOUNT | MS_BIND | MS_MOVE | kPropagation, 0,
                  "mount proc or sysfs afresh, with nothing masked");
        deny({"umount", "umount2"}, "uncover what cvirt masked");
        deny({"pivot_root"}, "change the root as the host's root");
        // The new mount API keeps its flags where a filter cannot look: ENOSYS, and
        // mount(8) falls back to mount(2).
        deny(
            {"move_mount", "open_tree", "fsopen", "fsmount", "fsconfig", "fspick", "mount_setattr"},
            "mount flags hidden from the filter (mount(8) falls back to mount(2))", ENOSYS);
    }
    return r;
}

namespace {

struct CtxDeleter {
    void operator()(scmp_filter_ctx c) const noexcept { seccomp_release(c); }
};

void check(int rc, const std::string& what) {
    if (rc < 0) throwSystemError(-rc, "seccomp: " + what);
}

}  // namespace

std::vector<sock_filter> compileSeccomp(const std::vector<SyscallRule>& rules) {
    std::unique_ptr<void, CtxDeleter> ctx(seccomp_init(SCMP_ACT_ALLOW));
    if (!ctx) throw Error(ErrorCode::Internal, "seccomp: cannot create a filter");
    // The compat ABIs of this machine: their calls are filtered too.
    if (seccomp_arch_native() == SCMP_ARCH_X86_64)
        for (uint32_t arch : std::initializer_list<uint32_t>{SCMP_ARCH_X86, SCMP_ARCH_X32}) {
            int rc = seccomp_arch_add(ctx.get(), arch);
            if (rc < 0 && rc != -EEXIST) check(rc, "cannot add a compat architecture");
        }
    for (const auto& rule : rules) {
        int nr = seccomp_syscall_resolve_name(rule.name.c_str());
        if (nr == __NR_SCMP_ERROR) continue;  // unknown to this libseccomp: nothing to stop
        int rc = rule.when ? seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(rule.err), nr, 1,
                                              scmp_arg_cmp{rule.when->arg, SCMP_CMP_MASKED_EQ,
                                                           rule.when->mask, rule.when->value})
                           : seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(rule.err), nr, 0);
        // -EDOM etc.: the call does not exist on one of the ABIs; the others still get it.
        if (rc < 0 && rc != -EDOM && rc != -EINVAL) check(rc, "cannot add a rule for " + rule.name);
    }
    // libseccomp writes the program to a descriptor only (seccomp_export_bpf_mem is newer).
    util::Fd mem(::memfd_create("cvirt-seccomp", MFD_CLOEXEC));
    if (!mem) throwSystemError(errno, "seccomp: cannot create a memfd for the filter");
    check(seccomp_export_bpf(ctx.get(), mem.get()), "cannot compile the filter");
    off_t size = ::lseek(mem.get(), 0, SEEK_END);
    if (size <= 0 || size % sizeof(sock_filter) != 0)
        throw Error(ErrorCode::Internal, "seccomp: the compiled filter has a size of " +
                                             std::to_string(size) + " bytes");
    std::vector<sock_filter> program(static_cast<size_t>(size) / sizeof(sock_filter));
    if (::pread(mem.get(), program.data(), static_cast<size_t>(size), 0) != size)
        throwSystemError(errno, "seccomp: cannot read the compiled filter");
    return program;
}

void loadSeccomp(const std::vector<sock_filter>& program) {
    sock_fprog prog{static_cast<unsigned short>(program.size()),
                    const_cast<sock_filter*>(program.data())};
    if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
        throwSystemError(errno, "seccomp: cannot load the filter");
}

util::Fd trapSysinfo() {
    std::unique_ptr<void, CtxDeleter> ctx(seccomp_init(SCMP_ACT_ALLOW));
    if (!ctx) throw Error(ErrorCode::Internal, "seccomp: cannot create a filter");
    check(seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0), "cannot clear no_new_privs");
    // The native ABI only: a compat caller's struct sysinfo has another layout. Its calls
    // pass this filter untouched (libseccomp's default for another ABI kills the caller: a
    // 32-bit program died of SIGSYS on its first system call); the profile decides on them.
    check(seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW),
          "cannot let other ABIs through");
    check(seccomp_rule_add(ctx.get(), SCMP_ACT_NOTIFY, SCMP_SYS(sysinfo), 0),
          "cannot add the sysinfo rule");
    int rc = seccomp_load(ctx.get());
    if (rc == -EINVAL || rc == -ENOSYS || rc == -EOPNOTSUPP) return util::Fd();
    check(rc, "cannot load the sysinfo filter");
    int fd = seccomp_notify_fd(ctx.get());
    if (fd < 0) check(fd, "cannot get the sysinfo listener");
    return util::Fd(fd);
}

}  // namespace cvirt::security
