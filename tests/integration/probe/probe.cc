// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-probe: run inside a test container, tries one thing the kernel could refuse and prints
// "ok" or the errno's name (or what it saw instead: "empty" for a masked file). Static, no
// dependencies, so it runs in any root file system.
//   cvirt-probe keyctl | add_key | userfaultfd | perf_event_open | bpf | open_by_handle_at |
//               finit_module | delete_module | kexec_load | clone3 | unshare_user | mount |
//               keyctl_i386 | settimeofday | nnp                       (the seccomp suite)
//   cvirt-probe init_module | clock_settime | iopl | swapon | mknod_disk | host_root_dev |
//               write FILE TEXT | read FILE | remount_sys_rw | mknod_open MAJ MIN |
//               umount_read FILE | proc_afresh | bind_proc_core | ptrace PID | kill PID |
//               mkdir DIR | connect IP PORT | forks N | alloc MIB | chroot_escape PATH |
//               syslog | remount_sb PATH [OPTIONS] | proc_afresh_magic | fspick_ro PATH |
//               mount_setattr_rw PATH | ifmtu IFNAME | packet_socket    (the escape suite)
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/perf_event.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

using Args = std::vector<std::string>;

// Reading a file: "empty" when it gives nothing (masked behind /dev/null or an empty tmpfs),
// "ok" when it gives something.
long readSome(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    int err = errno;
    close(fd);
    errno = err;
    if (n < 0) return -1;
    return n == 0 ? -3 : 0;
}

long writeText(const std::string& path, const std::string& text) {
    int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text.data(), text.size());
    int err = errno;
    close(fd);
    errno = err;
    return n < 0 ? -1 : 0;
}

// mknod of the given character or block device in /tmp, then open it.
long mknodOpen(mode_t type, unsigned maj, unsigned min) {
    std::string path = "/tmp/cvirt-probe-node";
    unlink(path.c_str());
    if (mknod(path.c_str(), type | 0600, makedev(maj, min)) < 0) return -1;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    int err = errno;
    unlink(path.c_str());
    errno = err;
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

// The device the container's / is on, as /proc/self/mountinfo gives it ("maj:min").
bool rootDevice(unsigned& maj, unsigned& min) {
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
        char mnt[512];
        if (sscanf(line.c_str(), "%*d %*d %u:%u %*s %511s", &maj, &min, mnt) == 3 &&
            std::string(mnt) == "/")
            return true;
    }
    return false;
}

long escapeAttempt(const std::string& what, const Args& a) {
    if (what == "init_module") return syscall(SYS_init_module, "", 0, "");
    if (what == "clock_settime") {
        timespec ts{};
        clock_gettime(CLOCK_REALTIME, &ts);
        return clock_settime(CLOCK_REALTIME, &ts);
    }
    if (what == "iopl") return syscall(SYS_iopl, 3);
    if (what == "swapon") return swapon("/tmp/cvirt-probe-swap", 0);
    if (what == "mknod_disk") return mknodOpen(S_IFBLK, 8, 0);  // sda
    if (what == "host_root_dev") {
        // the disk the root is on, by its numbers, then mounted
        unsigned maj = 0, min = 0;
        if (!rootDevice(maj, min)) return errno = ENOENT, -1;
        std::string path = "/tmp/cvirt-probe-root";
        unlink(path.c_str());
        if (mknod(path.c_str(), S_IFBLK | 0600, makedev(maj, min)) < 0) return -1;
        mkdir("/tmp/cvirt-probe-mnt", 0700);
        long rc = mount(path.c_str(), "/tmp/cvirt-probe-mnt", "ext4", MS_RDONLY, nullptr);
        int err = errno;
        unlink(path.c_str());
        errno = err;
        return rc;
    }
    if (what == "write" && a.size() == 2) return writeText(a[0], a[1]);
    if (what == "read" && a.size() == 1) return readSome(a[0]);
    if (what == "remount_sys_rw") {
        // sysfs read-write again, then a host-wide knob written (its own value back)
        if (mount("sysfs", "/sys", nullptr, MS_REMOUNT, nullptr) < 0 &&
            mount("", "/sys", nullptr, MS_REMOUNT | MS_BIND, nullptr) < 0)
            return -1;
        std::ifstream in("/sys/kernel/mm/ksm/run");
        std::string v;
        std::getline(in, v);
        return writeText("/sys/kernel/mm/ksm/run", v.empty() ? "0" : v);
    }
    if (what == "mknod_open" && a.size() == 2)
        return mknodOpen(S_IFCHR, std::stoul(a[0]), std::stoul(a[1]));
    if (what == "umount_read" && a.size() == 1) {
        // take the mask away, then read what it hid
        if (umount2(a[0].c_str(), MNT_DETACH) < 0) return -1;
        return readSome(a[0]);
    }
    if (what == "proc_afresh") {
        // a proc of its own, with nothing masked or read-only, then a host-wide knob written
        mkdir("/tmp/cvirt-probe-proc", 0700);
        if (unshare(CLONE_NEWNS) < 0) return -1;
        if (mount("proc", "/tmp/cvirt-probe-proc", "proc", 0, nullptr) < 0) return -1;
        std::ifstream in("/tmp/cvirt-probe-proc/sys/kernel/core_pattern");
        std::string v;
        std::getline(in, v);
        return writeText("/tmp/cvirt-probe-proc/sys/kernel/core_pattern", v);
    }
    if (what == "bind_proc_core") {
        // /proc bound without its submounts: /proc/sys as it is under the read-only bind
        mkdir("/tmp/cvirt-probe-proc", 0700);
        if (unshare(CLONE_NEWNS) < 0) return -1;
        if (mount("/proc", "/tmp/cvirt-probe-proc", nullptr, MS_BIND, nullptr) < 0) return -1;
        std::ifstream in("/tmp/cvirt-probe-proc/sys/kernel/core_pattern");
        std::string v;
        std::getline(in, v);
        return writeText("/tmp/cvirt-probe-proc/sys/kernel/core_pattern", v);
    }
    if (what == "proc_afresh_magic") {
        // the same with the legacy MS_MGC_VAL in the high bits, which the kernel strips
        mkdir("/tmp/cvirt-probe-proc", 0700);
        if (unshare(CLONE_NEWNS) < 0) return -1;
        if (mount("proc", "/tmp/cvirt-probe-proc", "proc", MS_MGC_VAL, nullptr) < 0) return -1;
        std::ifstream in("/tmp/cvirt-probe-proc/sys/kernel/core_pattern");
        std::string v;
        std::getline(in, v);
        return writeText("/tmp/cvirt-probe-proc/sys/kernel/core_pattern", v);
    }
    if (what == "syslog") {
        // the host's kernel log (read only: never clears it, never sets the console level)
        static char buf[1 << 16];
        return klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof buf) < 0 ? -1 : 0;
    }
    if (what == "remount_sb" && (a.size() == 1 || a.size() == 2)) {
        // a remount without MS_BIND: the superblock under the mount, read-only and maybe
        // with new options (tmpfs size=)
        const char* data = a.size() == 2 ? a[1].c_str() : nullptr;
        return mount("", a[0].c_str(), nullptr, MS_REMOUNT | MS_RDONLY, data);
    }
    if (what == "fspick_ro" && a.size() == 1) {
        // the same through the new mount API: pick the superblock, set ro, reconfigure
        int fd = static_cast<int>(syscall(SYS_fspick, AT_FDCWD, a[0].c_str(), 0));
        if (fd < 0) return -1;
        long rc = syscall(SYS_fsconfig, fd, FSCONFIG_SET_FLAG, "ro", nullptr, 0);
        if (rc == 0) rc = syscall(SYS_fsconfig, fd, FSCONFIG_CMD_RECONFIGURE, nullptr, nullptr, 0);
        int err = errno;
        close(fd);
        errno = err;
        return rc;
    }
    if (what == "mount_setattr_rw" && a.size() == 1) {
        // a read-only mount made read-write again through mount_setattr
        mount_attr attr{};
        attr.attr_clr = MOUNT_ATTR_RDONLY;
        return syscall(SYS_mount_setattr, AT_FDCWD, a[0].c_str(), 0, &attr, sizeof attr);
    }
    if (what == "ifmtu" && a.size() == 1) {
        // an interface's MTU set to the value it has: needs CAP_NET_ADMIN over its namespace,
        // changes nothing
        int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s < 0) return -1;
        ifreq ifr{};
        std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", a[0].c_str());
        long rc = ioctl(s, SIOCGIFMTU, &ifr);
        if (rc == 0) rc = ioctl(s, SIOCSIFMTU, &ifr);
        int err = errno;
        close(s);
        errno = err;
        return rc;
    }
    if (what == "packet_socket") {
        // what sniffs or forges frames on every interface of the namespace (CAP_NET_RAW)
        int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
        if (s < 0) return -1;
        close(s);
        return 0;
    }
    if (what == "ptrace" && a.size() == 1)
        return ptrace(PTRACE_ATTACH, std::stoi(a[0]), nullptr, nullptr);
    if (what == "kill" && a.size() == 1) return kill(std::stoi(a[0]), 0);
    if (what == "mkdir" && a.size() == 1) return mkdir(a[0].c_str(), 0755);
    if (what == "connect" && a.size() == 2) {
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0) return -1;
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(static_cast<uint16_t>(std::stoi(a[1])));
        inet_pton(AF_INET, a[0].c_str(), &sa.sin_addr);
        long rc = connect(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
        int err = errno;
        close(s);
        errno = err;
        return rc;
    }
    if (what == "forks" && a.size() == 1) {
        // N children that wait; the first refusal is the answer
        int n = std::stoi(a[0]);
        std::vector<pid_t> kids;
        long rc = 0;
        for (int i = 0; i < n; ++i) {
            pid_t p = fork();
            if (p == 0) {
                pause();
                _exit(0);
            }
            if (p < 0) {
                rc = -1;
                break;
            }
            kids.push_back(p);
        }
        int err = errno;
        for (pid_t p : kids) {
            kill(p, SIGKILL);
            waitpid(p, nullptr, 0);
        }
        errno = err;
        return rc;
    }
    if (what == "alloc" && a.size() == 1) {
        // touches N MiB in a child: "killed" when the kernel kills it
        pid_t p = fork();
        if (p == 0) {
            size_t bytes = std::stoul(a[0]) << 20;
            char* m = static_cast<char*>(malloc(bytes));
            if (!m) _exit(3);
            for (size_t i = 0; i < bytes; i += 4096)
                m[i] = 1;
            _exit(0);
        }
        int status = 0;
        waitpid(p, &status, 0);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) return -4;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 3) return errno = ENOMEM, -1;
        return 0;
    }
    if (what == "chroot_escape" && a.size() == 1) {
        // the classic: chroot into a subdirectory, climb out of it with "..", chroot there
        mkdir("/tmp/cvirt-probe-jail", 0700);
        if (chroot("/tmp/cvirt-probe-jail") < 0) return -1;
        for (int i = 0; i < 64; ++i)
            if (chdir("..") < 0) return -1;
        if (chroot(".") < 0) return -1;
        struct stat st {};
        return stat(a[0].c_str(), &st);  // the host-only file: ENOENT when still inside
    }
    errno = EINVAL;
    return -2;
}

long keyctlI386() {
#if defined(__x86_64__)
    long ret;
    // i386 keyctl (288), KEYCTL_GET_KEYRING_ID (0), KEY_SPEC_PROCESS_KEYRING (-2), create (1)
    asm volatile("int $0x80" : "=a"(ret) : "a"(288), "b"(0), "c"(-2), "d"(1) : "memory");
    if (ret < 0 && ret > -4096) {
        errno = static_cast<int>(-ret);
        return -1;
    }
    return ret;
#else
    errno = ENOSYS;
    return -1;
#endif
}

long attempt(const std::string& what) {
    if (what == "keyctl") return syscall(SYS_keyctl, 0 /*GET_KEYRING_ID*/, -2, 1);
    if (what == "add_key") return syscall(SYS_add_key, "user", "cvirt", "x", 1, -2);
    if (what == "userfaultfd") return syscall(SYS_userfaultfd, O_CLOEXEC);
    if (what == "perf_event_open") {
        perf_event_attr attr{};
        attr.size = sizeof attr;
        attr.type = PERF_TYPE_SOFTWARE;
        attr.config = PERF_COUNT_SW_CPU_CLOCK;
        return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
    }
    if (what == "bpf") {
        bpf_insn prog[2] = {};
        prog[0].code = BPF_ALU64 | BPF_MOV | BPF_K;  // r0 = 0
        prog[0].dst_reg = BPF_REG_0;
        prog[1].code = BPF_JMP | BPF_EXIT;
        bpf_attr attr{};
        attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
        attr.insn_cnt = 2;
        attr.insns = reinterpret_cast<uint64_t>(prog);
        attr.license = reinterpret_cast<uint64_t>("GPL");
        return syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
    }
    if (what == "open_by_handle_at") {
        char buf[sizeof(file_handle) + 128] = {};
        auto* h = reinterpret_cast<file_handle*>(buf);
        h->handle_bytes = 8;
        return syscall(SYS_open_by_handle_at, -1, h, O_RDONLY);  // EBADF unless filtered
    }
    if (what == "finit_module") return syscall(SYS_finit_module, -1, "", 0);
    if (what == "delete_module") return syscall(SYS_delete_module, "ext4", O_NONBLOCK);
    if (what == "kexec_load") return syscall(SYS_kexec_load, 0, 0, nullptr, 0);
    if (what == "clone3") return syscall(SYS_clone3, nullptr, 0);
    if (what == "unshare_user") return unshare(CLONE_NEWUSER);
    if (what == "mount") return mount("none", "/tmp", "tmpfs", 0, nullptr);
    if (what == "keyctl_i386") return keyctlI386();
    if (what == "settimeofday") {
        timeval tv{};
        gettimeofday(&tv, nullptr);
        return settimeofday(&tv, nullptr);
    }
    errno = EINVAL;
    return -2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: cvirt-probe WHAT [ARG...]\n");
        return 2;
    }
    std::string what = argv[1];
    Args args(argv + 2, argv + argc);
    if (what == "nnp") {
        std::ifstream in("/proc/self/status");
        for (std::string line; std::getline(in, line);)
            if (line.rfind("NoNewPrivs:", 0) == 0) std::printf("%s\n", line.substr(12).c_str());
        return 0;
    }
    long rc = args.empty() ? attempt(what) : -2;
    if (rc == -2) rc = escapeAttempt(what, args);
    if (rc == -2) {
        std::fprintf(stderr, "cvirt-probe: unknown attempt '%s'\n", what.c_str());
        return 2;
    }
    if (rc == -3)
        std::printf("empty\n");
    else if (rc == -4)
        std::printf("killed\n");
    else if (rc >= 0)
        std::printf("ok\n");
    else
        std::printf("%s\n", strerrorname_np(errno));
    return 0;
}
