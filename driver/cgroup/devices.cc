// SPDX-License-Identifier: GPL-3.0-or-later
#include "cgroup/devices.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cvirt/error.h"
#include "util/fd.h"

namespace cvirt::cgroup {

namespace {

DeviceRule hostDevice(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0) throwSystemError(errno, "cannot find device '" + path + "'");
    if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
        throw Error(ErrorCode::ConfigUnsupported, "'" + path + "' is not a device node");
    return {S_ISBLK(st.st_mode) ? 'b' : 'c', static_cast<long>(major(st.st_rdev)),
            static_cast<long>(minor(st.st_rdev)), "rwm"};
}

}  // namespace

std::vector<DeviceRule> deviceRules(const conf::DomainDef& def,
                                    DeviceRule (*statDevice)(const std::string&)) {
    if (!statDevice) statDevice = hostDevice;
    std::vector<DeviceRule> rules = {
        {'c', 1, 3, "rwm"},     // null
        {'c', 1, 5, "rwm"},     // zero
        {'c', 1, 7, "rwm"},     // full
        {'c', 1, 8, "rwm"},     // random
        {'c', 1, 9, "rwm"},     // urandom
        {'c', 5, 0, "rwm"},     // tty
        {'c', 5, 1, "rwm"},     // console
        {'c', 5, 2, "rwm"},     // ptmx
        {'c', 136, -1, "rwm"},  // pts, the console pty among them
    };
    for (const auto& h : def.hostdevs)
        if (h.type != conf::HostdevCapsType::Net) rules.push_back(statDevice(h.source));
    for (const auto& fs : def.filesystems)
        if (fs.type == conf::FsType::Block) {
            DeviceRule r = statDevice(fs.source);
            r.access = fs.readonly ? "r" : "rw";
            rules.push_back(r);
        }
    return rules;
}

std::string v1Line(const DeviceRule& r) {
    auto num = [](long v) { return v < 0 ? std::string("*") : std::to_string(v); };
    return std::string(1, r.type) + " " + num(r.major) + ":" + num(r.minor) + " " + r.access;
}

namespace {

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}

// r1 = ctx (struct bpf_cgroup_dev_ctx: access_type = access << 16 | type, major, minor)
std::vector<bpf_insn> buildProgram(const std::vector<DeviceRule>& rules) {
    std::vector<bpf_insn> p;
    p.push_back(insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2, BPF_REG_1, 0, 0));  // r2 = access_type
    p.push_back(insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff));     // r2 = type
    p.push_back(insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_3, BPF_REG_1, 0, 0));  // r3 = access_type
    p.push_back(insn(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16));         // r3 = access
    p.push_back(insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_4, BPF_REG_1, 4, 0));  // r4 = major
    p.push_back(insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_5, BPF_REG_1, 8, 0));  // r5 = minor
    for (const DeviceRule& r : rules) {
        int allowed = 0;
        for (char c : r.access)
            allowed |= c == 'r'   ? BPF_DEVCG_ACC_READ
                       : c == 'w' ? BPF_DEVCG_ACC_WRITE
                                  : BPF_DEVCG_ACC_MKNOD;
        std::vector<bpf_insn> block;
        // each test jumps past this rule's block on mismatch; offsets patched below
        block.push_back(insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
                             r.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
        if (r.major >= 0)
            block.push_back(insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, r.major));
        if (r.minor >= 0)
            block.push_back(insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, r.minor));
        block.push_back(
            insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_3, 0, 0));  // r0 = access
        block.push_back(insn(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_0, 0, 0, ~allowed));
        block.push_back(insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 0, 0));    // extra access
        block.push_back(insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1));  // allow
        block.push_back(insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
        for (size_t i = 0; i < block.size(); ++i)
            if (BPF_CLASS(block[i].code) == BPF_JMP && BPF_OP(block[i].code) == BPF_JNE)
                block[i].off = static_cast<int16_t>(block.size() - 1 - i);  // to the next rule
        p.insert(p.end(), block.begin(), block.end());
    }
    p.push_back(insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0));  // deny
    p.push_back(insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
    return p;
}

long bpf(int cmd, bpf_attr* attr) {
    return ::syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

util::Fd loadProgram(const std::string& cgroupDir, const std::vector<DeviceRule>& rules) {
    std::vector<bpf_insn> prog = buildProgram(rules);
    auto load = [&](char* log, uint32_t logSize) {
        bpf_attr attr{};
        attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
        attr.insns = reinterpret_cast<uint64_t>(prog.data());
        attr.insn_cnt = static_cast<uint32_t>(prog.size());
        attr.license = reinterpret_cast<uint64_t>("GPL");
        attr.log_buf = reinterpret_cast<uint64_t>(log);
        attr.log_size = logSize;
        attr.log_level = log ? 1 : 0;
        return util::Fd(static_cast<int>(bpf(BPF_PROG_LOAD, &attr)));
    };
    // Without a log first: a verbose log that outgrows its buffer fails the load (ENOSPC).
    util::Fd progFd = load(nullptr, 0);
    if (!progFd) {
        int err = errno;
        std::string log(16384, '\0');
        load(log.data(), static_cast<uint32_t>(log.size()));
        log.resize(std::strlen(log.c_str()));
        throwSystemError(err, "cannot load the device filter for '" + cgroupDir + "'" +
                                  (log.empty() ? "" : " (verifier: " + log + ")"));
    }
    return progFd;
}

util::Fd openCgroupDir(const std::string& cgroupDir) {
    util::Fd dir(::open(cgroupDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throwSystemError(errno, "cannot open cgroup '" + cgroupDir + "'");
    return dir;
}

void attachProgram(const util::Fd& dir, const util::Fd& progFd, const std::string& cgroupDir) {
    bpf_attr attach{};
    attach.target_fd = static_cast<uint32_t>(dir.get());
    attach.attach_bpf_fd = static_cast<uint32_t>(progFd.get());
    attach.attach_type = BPF_CGROUP_DEVICE;
    attach.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, &attach) < 0)
        throwSystemError(errno, "cannot attach the device filter to '" + cgroupDir + "'");
}

}  // namespace

void attachDeviceProgram(const std::string& cgroupDir, const std::vector<DeviceRule>& rules) {
    attachDeviceProgram(cgroupDir, loadProgram(cgroupDir, rules));
}

util::Fd loadDeviceProgram(const std::string& cgroupDir, const std::vector<DeviceRule>& rules) {
    return loadProgram(cgroupDir, rules);
}

void attachDeviceProgram(const std::string& cgroupDir, const util::Fd& program) {
    attachProgram(openCgroupDir(cgroupDir), program, cgroupDir);
}

void replaceDeviceProgram(const std::string& cgroupDir, const std::vector<DeviceRule>& rules) {
    util::Fd progFd = loadProgram(cgroupDir, rules);
    util::Fd dir = openCgroupDir(cgroupDir);
    // The programs attached directly here (not those inherited from parents).
    std::vector<uint32_t> ids(64);
    bpf_attr query{};
    query.query.target_fd = static_cast<uint32_t>(dir.get());
    query.query.attach_type = BPF_CGROUP_DEVICE;
    query.query.prog_ids = reinterpret_cast<uint64_t>(ids.data());
    query.query.prog_cnt = static_cast<uint32_t>(ids.size());
    if (bpf(BPF_PROG_QUERY, &query) < 0)
        throwSystemError(errno, "cannot list the device filters of '" + cgroupDir + "'");
    ids.resize(query.query.prog_cnt);
    attachProgram(dir, progFd, cgroupDir);
    for (uint32_t id : ids) {
        bpf_attr byId{};
        byId.prog_id = id;
        util::Fd old(static_cast<int>(bpf(BPF_PROG_GET_FD_BY_ID, &byId)));
        bpf_attr detach{};
        detach.target_fd = static_cast<uint32_t>(dir.get());
        detach.attach_bpf_fd = static_cast<uint32_t>(old.get());
        detach.attach_type = BPF_CGROUP_DEVICE;
        if (!old || bpf(BPF_PROG_DETACH, &detach) < 0)
            throwSystemError(errno, "cannot detach the old device filter of '" + cgroupDir + "'");
    }
}

}  // namespace cvirt::cgroup
