// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/filter_handoff.h"

#include <linux/bpf_common.h>
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "cvirt/error.h"

namespace cvirt::lxc {

namespace {
enum : uint32_t { kEmpty = 0, kNoFilter = 1, kFilter = 2 };
}  // namespace

struct FilterHandoff::Block {
    uint32_t state;  // kEmpty until put()
    uint32_t count;
    sock_filter insns[BPF_MAXINSNS];
};

FilterHandoff::FilterHandoff() {
    void* p =
        ::mmap(nullptr, sizeof(Block), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throwSystemError(errno, "cannot map the seccomp program's handoff");
    block_ = static_cast<Block*>(p);  // zero-filled: kEmpty
}

FilterHandoff::~FilterHandoff() {
    ::munmap(block_, sizeof(Block));
}

void FilterHandoff::put(const std::optional<std::vector<sock_filter>>& program) {
    if (program && program->size() > BPF_MAXINSNS)
        throw Error(ErrorCode::Internal, "seccomp: the compiled filter has " +
                                             std::to_string(program->size()) +
                                             " instructions, more than the kernel takes");
    block_->count = program ? static_cast<uint32_t>(program->size()) : 0;
    if (program) std::copy(program->begin(), program->end(), block_->insns);
    __atomic_store_n(&block_->state, program ? kFilter : kNoFilter, __ATOMIC_RELEASE);
}

std::optional<std::vector<sock_filter>> FilterHandoff::take() const {
    uint32_t state = __atomic_load_n(&block_->state, __ATOMIC_ACQUIRE);
    if (state == kEmpty) throw Error(ErrorCode::Internal, "seccomp: no filter was handed over");
    if (state == kNoFilter) return std::nullopt;
    return std::vector<sock_filter>(block_->insns, block_->insns + block_->count);
}

}  // namespace cvirt::lxc
