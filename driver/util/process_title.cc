// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/process_title.h"

#include <fcntl.h>
#include <linux/prctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace cvirt::util {

namespace {}  // namespace

bool selfStatFields(int first, int count, unsigned long* out) noexcept {
    int fd = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char buf[1024];
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return false;
    buf[n] = '\0';
    const char* p = std::strrchr(buf, ')');  // the name may hold spaces and parentheses
    if (!p) return false;
    for (int field = 2; p && field < first + count - 1; ++field) {
        p = std::strchr(p + 1, ' ');
        if (p && field + 1 >= first) out[field + 1 - first] = std::strtoul(p + 1, nullptr, 10);
    }
    return p != nullptr;
}

namespace {

// PR_SET_MM_MAP: every field at once, the others as they are. Needs no CAP_SYS_RESOURCE
// (checkpoint/restore's way), where the kernel has CONFIG_CHECKPOINT_RESTORE.
bool setArgMap(unsigned long start, unsigned long end) noexcept {
    unsigned long code[3], data[7];  // 26–28 startcode endcode startstack; 45–51
    if (!selfStatFields(26, 3, code) || !selfStatFields(45, 7, data)) return false;
    prctl_mm_map map{};
    map.start_code = code[0];
    map.end_code = code[1];
    map.start_stack = code[2];
    map.start_data = data[0];
    map.end_data = data[1];
    map.start_brk = data[2];
    map.brk = static_cast<unsigned long>(::syscall(SYS_brk, 0));
    map.arg_start = start;
    map.arg_end = end;
    map.env_start = data[5];
    map.env_end = data[6];
    map.exe_fd = static_cast<uint32_t>(-1);
    return ::prctl(PR_SET_MM, PR_SET_MM_MAP, &map, sizeof map, 0) == 0;
}

bool setArgArea(unsigned long start, unsigned long end) noexcept {
    if (setArgMap(start, end)) return true;
    // The kernel keeps arg_start <= arg_end at every step: move the bound on the side the
    // new area lies first.
    if (::prctl(PR_SET_MM, PR_SET_MM_ARG_START, start, 0, 0) == 0)
        return ::prctl(PR_SET_MM, PR_SET_MM_ARG_END, end, 0, 0) == 0;
    return ::prctl(PR_SET_MM, PR_SET_MM_ARG_END, end, 0, 0) == 0 &&
           ::prctl(PR_SET_MM, PR_SET_MM_ARG_START, start, 0, 0) == 0;
}

}  // namespace

bool setProcessTitle(const char* const* argv) noexcept {
    if (!argv || !argv[0]) return false;
    const char* base = std::strrchr(argv[0], '/');
    ::prctl(PR_SET_NAME, base ? base + 1 : argv[0], 0, 0, 0);  // the kernel keeps 15 bytes
    size_t size = 0;
    for (const char* const* a = argv; *a; ++a)
        size += std::strlen(*a) + 1;
    // A mapping of its own, kept for the life of the process (/proc reads it from there).
    void* area = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) return false;
    char* at = static_cast<char*>(area);
    for (const char* const* a = argv; *a; ++a) {
        size_t n = std::strlen(*a) + 1;
        std::memcpy(at, *a, n);
        at += n;
    }
    auto start = reinterpret_cast<unsigned long>(area);
    if (setArgArea(start, start + size)) return true;
    ::munmap(area, size);
    return false;
}

}  // namespace cvirt::util
