// cvirt-probe: run inside a test container, tries one thing the kernel could refuse and prints
// "ok" or the errno's name. Static, no dependencies, so it runs in any root file system.
//   cvirt-probe keyctl | add_key | userfaultfd | perf_event_open | bpf | open_by_handle_at |
//               finit_module | delete_module | kexec_load | clone3 | unshare_user | mount |
//               keyctl_i386 | settimeofday | nnp
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace {

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
    if (argc != 2) {
        std::fprintf(stderr, "usage: cvirt-probe WHAT\n");
        return 2;
    }
    std::string what = argv[1];
    if (what == "nnp") {
        std::ifstream in("/proc/self/status");
        for (std::string line; std::getline(in, line);)
            if (line.rfind("NoNewPrivs:", 0) == 0) std::printf("%s\n", line.substr(12).c_str());
        return 0;
    }
    long rc = attempt(what);
    if (rc == -2) {
        std::fprintf(stderr, "cvirt-probe: unknown attempt '%s'\n", what.c_str());
        return 2;
    }
    if (rc >= 0)
        std::printf("ok\n");
    else
        std::printf("%s\n", strerrorname_np(errno));
    return 0;
}
