// SPDX-License-Identifier: GPL-3.0-or-later
#include "qemu/kvm.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "qemu/kvm_internal.h"
#include "util/fd.h"

namespace cvirt::qemu {

namespace kvm_internal {

std::string kvmProvider(const std::filesystem::path& sysModule) {
    std::error_code ec;
    for (const char* m : {"kvm_intel", "kvm_amd", "kvm_pvm"})
        if (std::filesystem::exists(sysModule / m, ec)) return m;
    return "";
}

std::optional<std::string> judgeVcpuRun(const VcpuRun& run, const std::string& provider) {
    if (!run.failure.empty()) return "a vCPU of /dev/kvm does not run: " + run.failure;
    if (run.iterations >= kProbeIterations) return std::nullopt;
    char speed[64];
    std::snprintf(
        speed, sizeof speed, "%.1f",
        run.seconds > 0 ? 2.0 * static_cast<double>(run.iterations) / run.seconds / 1e6 : 0.0);
    std::string why = "a vCPU of /dev/kvm ran kernel-mode guest code at " + std::string(speed) +
                      " million instructions/s (hardware virtualization runs thousands of "
                      "millions): KVM guests would take hours to boot here";
    if (provider == "kvm_pvm")
        return why +
               "; /dev/kvm is kvm_pvm's (PVM: KVM without VT-x/AMD-V, as in a VM whose "
               "hypervisor does not expose them), which runs only PVM guest kernels natively "
               "and emulates any other guest kernel instruction by instruction";
    return why + "; the host emulates the guest's kernel instruction by instruction";
}

}  // namespace kvm_internal

namespace {

using namespace kvm_internal;

// The guest maps one 2 MiB page at 0 and has RAM in its first half; a write to the second half
// (MMIO: no memory there) always leaves to user space, whatever the host passes through.
constexpr size_t kGuestMemory = 1 << 20;
constexpr uint32_t kChunkAddress = 1 << 20;
constexpr uint64_t kCodeAddress = 0x1000;
constexpr uint64_t kPml4Address = 0x2000;
// The child stops itself at kProbeDeadlineSeconds unless KVM_RUN never returns.
constexpr int kChildDeadlineMs = static_cast<int>(kProbeDeadlineSeconds * 1000) + 2000;

// Debian 12's uapi headers declare kvm_cpuid2's flexible array so that C++ sizes the struct 12
// bytes (an empty struct is 1 byte there), not 8: KVM_GET_SUPPORTED_CPUID and KVM_SET_CPUID2
// built from it are numbers the kernel refuses (EINVAL), and its entries sit 4 bytes off.
// Build both from the C layout; the entries are only passed through.
struct CpuidHeader {
    uint32_t nent;
    uint32_t padding;
};
constexpr unsigned long kGetSupportedCpuid = _IOWR(KVMIO, 0x05, CpuidHeader);
constexpr unsigned long kSetCpuid2 = _IOW(KVMIO, 0x90, CpuidHeader);
constexpr uint32_t kMaxCpuid = 256;
constexpr size_t kCpuidEntrySize = sizeof(kvm_cpuid_entry2);  // 40 in C and C++ alike
static_assert(kCpuidEntrySize == 40);

struct Unmap {
    size_t size;
    void operator()(void* p) const noexcept { ::munmap(p, size); }
};
using Mapping = std::unique_ptr<void, Unmap>;

Mapping mapOrNull(size_t size, int prot, int flags, int fd) {
    void* p = ::mmap(nullptr, size, prot, flags, fd, 0);
    return Mapping(p == MAP_FAILED ? nullptr : p, Unmap{size});
}

std::string failed(const char* what) {
    return std::string(what) + ": " + std::strerror(errno);
}

// Long mode, CPL 0, paging on with one identity-mapped 2 MiB page: what a 64-bit guest kernel
// runs in (kvm-hello-world's setup, dpw/kvm-hello-world on GitHub).
void enterLongMode(kvm_sregs& s, uint8_t* mem) {
    auto* pml4 = reinterpret_cast<uint64_t*>(mem + kPml4Address);
    auto* pdpt = reinterpret_cast<uint64_t*>(mem + kPml4Address + 0x1000);
    auto* pd = reinterpret_cast<uint64_t*>(mem + kPml4Address + 0x2000);
    pml4[0] = (kPml4Address + 0x1000) | 0x3;  // present, writable
    pdpt[0] = (kPml4Address + 0x2000) | 0x3;
    pd[0] = 0x83;  // present, writable, 2 MiB page at 0
    s.cr3 = kPml4Address;
    s.cr4 = 0x20;        // PAE
    s.cr0 = 0x80050033;  // PG, AM, WP, NE, ET, MP, PE
    s.efer = 0x500;      // LMA, LME
    kvm_segment seg{};
    seg.limit = 0xffffffff;
    seg.present = 1;
    seg.s = 1;
    seg.g = 1;
    kvm_segment code = seg;
    code.type = 11;  // execute, read, accessed
    code.selector = 1 << 3;
    code.l = 1;
    kvm_segment data = seg;
    data.type = 3;  // read, write, accessed
    data.selector = 2 << 3;
    data.db = 1;
    s.cs = code;
    s.ds = s.es = s.fs = s.gs = s.ss = data;
}

// Runs the probe guest on a new VM and vCPU until it has looped kProbeIterations times or
// kProbeDeadlineSeconds have passed.
VcpuRun runProbeGuest(int kvm) {
    VcpuRun run;
    util::Fd vmFd(::ioctl(kvm, KVM_CREATE_VM, 0));
    if (!vmFd) return {.failure = failed("KVM_CREATE_VM")};
    int vm = vmFd.get();
    Mapping mem = mapOrNull(kGuestMemory, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1);
    if (!mem) return {.failure = failed("cannot map guest memory")};
    auto* bytes = static_cast<uint8_t*>(mem.get());
    kvm_userspace_memory_region region{};
    region.memory_size = kGuestMemory;
    region.userspace_addr = reinterpret_cast<uint64_t>(mem.get());
    if (::ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
        return {.failure = failed("KVM_SET_USER_MEMORY_REGION")};
    ::ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL);  // Intel wants one; unused in long mode
    util::Fd vcpu(::ioctl(vm, KVM_CREATE_VCPU, 0));
    if (!vcpu) return {.failure = failed("KVM_CREATE_VCPU")};
    int runSize = ::ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (runSize < static_cast<int>(sizeof(kvm_run)))
        return {.failure = failed("KVM_GET_VCPU_MMAP_SIZE")};
    Mapping runMap =
        mapOrNull(static_cast<size_t>(runSize), PROT_READ | PROT_WRITE, MAP_SHARED, vcpu.get());
    if (!runMap) return {.failure = failed("cannot map the vCPU's kvm_run")};
    auto* state = static_cast<kvm_run*>(runMap.get());

    // The vCPU gets the CPUID KVM supports (as qemu's -cpu host): long mode needs LM in it.
    std::vector<uint8_t> cpuid(sizeof(CpuidHeader) + kMaxCpuid * kCpuidEntrySize);
    reinterpret_cast<CpuidHeader*>(cpuid.data())->nent = kMaxCpuid;
    if (::ioctl(kvm, kGetSupportedCpuid, cpuid.data()) < 0)
        return {.failure = failed("KVM_GET_SUPPORTED_CPUID")};
    if (::ioctl(vcpu.get(), kSetCpuid2, cpuid.data()) < 0)
        return {.failure = failed("KVM_SET_CPUID2")};

    // outer: mov ecx, kProbeChunk            b9 imm32
    // inner: dec ecx                         ff c9
    //        jnz inner                       75 fc
    //        mov [kChunkAddress], al         88 04 25 disp32
    //        jmp outer                       eb ee
    uint8_t code[] = {0xb9, 0,    0,    0, 0, 0xff, 0xc9, 0x75, 0xfc,
                      0x88, 0x04, 0x25, 0, 0, 0,    0,    0xeb, 0xee};
    std::memcpy(code + 1, &kProbeChunk, sizeof kProbeChunk);  // x86 is little-endian
    std::memcpy(code + 12, &kChunkAddress, sizeof kChunkAddress);
    std::memcpy(bytes + kCodeAddress, code, sizeof code);
    kvm_sregs sregs{};
    if (::ioctl(vcpu.get(), KVM_GET_SREGS, &sregs) < 0) return {.failure = failed("KVM_GET_SREGS")};
    enterLongMode(sregs, bytes);
    if (::ioctl(vcpu.get(), KVM_SET_SREGS, &sregs) < 0)
        return {.failure = failed("KVM_SET_SREGS (64-bit mode)")};
    kvm_regs regs{};
    regs.rflags = 0x2;
    regs.rip = kCodeAddress;
    if (::ioctl(vcpu.get(), KVM_SET_REGS, &regs) < 0) return {.failure = failed("KVM_SET_REGS")};

    auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    while (run.iterations < kProbeIterations && elapsed() < kProbeDeadlineSeconds) {
        if (::ioctl(vcpu.get(), KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            run.failure = failed("KVM_RUN");
            break;
        }
        if (state->exit_reason == KVM_EXIT_MMIO && state->mmio.phys_addr == kChunkAddress) {
            run.iterations += kProbeChunk;
        } else if (state->exit_reason != KVM_EXIT_INTR) {
            run.failure = "KVM_RUN stopped with exit reason " + std::to_string(state->exit_reason) +
                          " in a 64-bit loop";
            break;
        }
    }
    run.seconds = elapsed();
    return run;
}

// What the child sends back: one write, well under PIPE_BUF.
struct ProbeReport {
    uint64_t iterations;
    double seconds;
    char failure[256];
};

// runProbeGuest in a child process (KVM ties a VM to the process that made it): a vCPU that
// never comes back from KVM_RUN, as a broken nested hypervisor may do, is killed at the
// deadline instead of hanging the caller.
VcpuRun runProbeInChild(int kvm) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0) return {.failure = failed("cannot make a pipe")};
    util::Fd readEnd(fds[0]), writeEnd(fds[1]);
    pid_t pid = ::fork();
    if (pid < 0) return {.failure = failed("cannot fork the probe")};
    if (pid == 0) {
        readEnd.reset();
        VcpuRun run = runProbeGuest(kvm);
        ProbeReport report{run.iterations, run.seconds, {}};
        std::snprintf(report.failure, sizeof report.failure, "%s", run.failure.c_str());
        _exit(::write(writeEnd.get(), &report, sizeof report) == sizeof report ? 0 : 1);
    }
    writeEnd.reset();
    pollfd p{readEnd.get(), POLLIN, 0};
    int ready;
    do {
        ready = ::poll(&p, 1, kChildDeadlineMs);
    } while (ready < 0 && errno == EINTR);
    ProbeReport report{};
    bool got = ready > 0 && ::read(readEnd.get(), &report, sizeof report) == sizeof report;
    if (!got) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!got)
        return {.failure = ready == 0 ? "KVM_RUN did not return within " +
                                            std::to_string(kChildDeadlineMs / 1000) + " s"
                                      : "the probe process ended without a result"};
    report.failure[sizeof report.failure - 1] = 0;
    return {.iterations = report.iterations, .seconds = report.seconds, .failure = report.failure};
}

}  // namespace

namespace {
std::optional<std::string> probeKvm() {
    util::Fd kvm(::open("/dev/kvm", O_RDWR | O_CLOEXEC));
    if (!kvm) return "cannot open /dev/kvm: " + std::string(std::strerror(errno));
    int version = ::ioctl(kvm.get(), KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION)
        return "/dev/kvm speaks API version " + std::to_string(version) + ", not " +
               std::to_string(KVM_API_VERSION);
    util::Fd vm(::ioctl(kvm.get(), KVM_CREATE_VM, 0));
    if (!vm) return "/dev/kvm cannot create a VM: " + std::string(std::strerror(errno));
    // /dev/kvm may answer all of the above and still run guest kernels at emulation speed
    // (kvm_pvm, issue 15): run one.
    return judgeVcpuRun(runProbeInChild(kvm.get()), kvmProvider("/sys/module"));
}
}  // namespace

std::optional<std::string> kvmUnusable() {
    static const std::optional<std::string> answer = probeKvm();
    return answer;
}

}  // namespace cvirt::qemu
