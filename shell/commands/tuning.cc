// SPDX-License-Identifier: GPL-3.0-or-later
// Resource tuning: setmem, setmaxmem, memtune, schedinfo, blkiotune, vcpupin, emulatorpin,
// pidstune. Each one reads or changes a cvirt::Tuning with virsh's --live/--config/--current.
#include <fstream>
#include <iomanip>

#include "commands/common.h"
#include "cvirt/units.h"
#include "engine/table.h"

namespace cvirt::shell {

namespace {

// virsh prints parameters as "%-15s: %s".
void field(Session& s, std::string_view name, const std::string& value) {
    s.out() << std::left << std::setw(15) << name << ": " << value << "\n";
}

std::string orUnlimited(const std::optional<uint64_t>& v) {
    return v ? std::to_string(*v) : "unlimited";
}

// A scaled size in KiB; -1 (or anything at or above libvirt's unlimited) means unlimited.
uint64_t sizeOrUnlimited(const std::string& text) {
    if (text == "-1") return kUnlimited;
    uint64_t kib = scaledToKiB(text);
    return kib >= (uint64_t(1) << 53) ? kUnlimited : kib;
}

uint64_t number(const std::string& text, std::string_view what) {
    size_t used = 0;
    try {
        if (!text.empty() && text[0] != '-') {
            uint64_t v = std::stoull(text, &used);
            if (used == text.size()) return v;
        }
    } catch (const std::exception&) {
    }
    throw Error(ErrorCode::InvalidArg, "invalid " + std::string(what) + " '" + text + "'");
}

std::string opt(const po::variables_map& args, const char* name) {
    return args.count(name) ? args[name].as<std::string>() : std::string();
}

// --- setmem / setmaxmem ----------------------------------------------------------------------
void declareSetmem(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("size", po::value<std::string>()->required(),
                       "new memory size, as scaled integer (default KiB)");
    pos.add("size", 1);
    declareImpact(opts);
}
int cmdSetmem(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    Tuning t;
    t.memoryKiB = scaledToKiB(args["size"].as<std::string>());
    d.tune(t, impactOf(args));
    return 0;
}
int cmdSetmaxmem(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    Tuning t;
    t.maxMemoryKiB = scaledToKiB(args["size"].as<std::string>());
    d.tune(t, impactOf(args));
    return 0;
}

// --- memtune ---------------------------------------------------------------------------------
void declareMemtune(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("hard-limit", po::value<std::string>(),
                       "Max memory, as scaled integer (default KiB)")(
        "soft-limit", po::value<std::string>(),
        "Memory during contention, as scaled integer (default KiB)")(
        "swap-hard-limit", po::value<std::string>(),
        "Max memory plus swap, as scaled integer (default KiB)")(
        "min-guarantee", po::value<std::string>(),
        "Min guaranteed memory, as scaled integer (default KiB)");
    declareImpact(opts);
}
int cmdMemtune(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    Impact impact = impactOf(args);
    if (args.count("min-guarantee"))
        throw Error(ErrorCode::ConfigUnsupported, "min_guarantee is not supported for containers");
    Tuning t;
    if (args.count("hard-limit")) t.hardLimitKiB = sizeOrUnlimited(opt(args, "hard-limit"));
    if (args.count("soft-limit")) t.softLimitKiB = sizeOrUnlimited(opt(args, "soft-limit"));
    if (args.count("swap-hard-limit"))
        t.swapHardLimitKiB = sizeOrUnlimited(opt(args, "swap-hard-limit"));
    if (t.hardLimitKiB || t.softLimitKiB || t.swapHardLimitKiB) {
        d.tune(t, impact);
        return 0;
    }
    Tuning cur = d.tuning(impact);
    field(s, "hard_limit", orUnlimited(cur.hardLimitKiB));
    field(s, "soft_limit", orUnlimited(cur.softLimitKiB));
    field(s, "swap_hard_limit", orUnlimited(cur.swapHardLimitKiB));
    return 0;
}

// --- schedinfo -------------------------------------------------------------------------------
void declareSchedinfo(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("set", po::value<std::vector<std::string>>(),
                       "parameter=value (cpu_shares, vcpu_period, vcpu_quota)");
    pos.add("set", -1);
    declareImpact(opts);
}
int cmdSchedinfo(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    Impact impact = impactOf(args);
    Tuning t;
    bool any = false;
    if (args.count("set")) {
        for (const std::string& kv : args["set"].as<std::vector<std::string>>()) {
            size_t eq = kv.find('=');
            std::string key = kv.substr(0, eq), value = eq == kv.npos ? "" : kv.substr(eq + 1);
            if (eq == kv.npos || value.empty())
                throw Error(ErrorCode::InvalidArg, "invalid scheduler option: " + kv);
            if (key == "cpu_shares") {
                t.cpuShares = number(value, "cpu_shares");
            } else if (key == "vcpu_period") {
                t.vcpuPeriod = number(value, "vcpu_period");
            } else if (key == "vcpu_quota") {
                t.vcpuQuota =
                    value == "-1" ? -1 : static_cast<int64_t>(number(value, "vcpu_quota"));
            } else {
                throw Error(ErrorCode::InvalidArg, "invalid scheduler option: " + key);
            }
            any = true;
        }
    }
    if (any) d.tune(t, impact);
    // After a change of both, virsh shows the live values.
    if (impact.live && impact.config) impact.config = false;
    Tuning cur = d.tuning(impact);
    field(s, "Scheduler", "posix");
    field(s, "cpu_shares", std::to_string(cur.cpuShares.value_or(1024)));
    field(s, "vcpu_period", std::to_string(cur.vcpuPeriod.value_or(100000)));
    field(s, "vcpu_quota", std::to_string(cur.vcpuQuota.value_or(-1)));
    return 0;
}

// --- blkiotune -------------------------------------------------------------------------------
const char* const kDeviceOptions[] = {"device-weights", "device-read-iops-sec",
                                      "device-write-iops-sec", "device-read-bytes-sec",
                                      "device-write-bytes-sec"};

void declareBlkiotune(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("weight", po::value<std::string>(), "IO Weight")(
        "device-weights", po::value<std::string>(),
        "per-device IO Weights, in the form of /path/to/device,weight,...")(
        "device-read-iops-sec", po::value<std::string>(),
        "per-device read I/O limit per second, in the form of /path/to/device,read_iops_sec,...")(
        "device-write-iops-sec", po::value<std::string>(),
        "per-device write I/O limit per second, in the form of "
        "/path/to/device,write_iops_sec,...")(
        "device-read-bytes-sec", po::value<std::string>(),
        "per-device bytes read per second, in the form of /path/to/device,read_bytes_sec,...")(
        "device-write-bytes-sec", po::value<std::string>(),
        "per-device bytes wrote per second, in the form of "
        "/path/to/device,write_bytes_sec,...");
    declareImpact(opts);
}

void addDeviceValues(Tuning& t, const std::string& option, const std::string& text) {
    std::vector<std::string> parts;
    size_t p = 0;
    for (;;) {
        size_t c = text.find(',', p);
        parts.push_back(text.substr(p, c == text.npos ? text.npos : c - p));
        if (c == text.npos) break;
        p = c + 1;
    }
    if (parts.size() % 2)
        throw Error(ErrorCode::InvalidArg, "unable to parse --" + option + " '" + text +
                                               "': expected /path/to/device,value pairs");
    for (size_t i = 0; i < parts.size(); i += 2) {
        auto it = std::find_if(t.blkioDevices.begin(), t.blkioDevices.end(),
                               [&](const BlkioDeviceTuning& d) { return d.path == parts[i]; });
        if (it == t.blkioDevices.end())
            it = t.blkioDevices.insert(t.blkioDevices.end(), {.path = parts[i]});
        uint64_t v = number(parts[i + 1], option);
        if (option == "device-weights") {
            if (v != 0 && (v < 100 || v > 1000))
                throw Error(ErrorCode::InvalidArg,
                            "invalid device weight '" + parts[i + 1] + "': not in 100..1000");
            it->weight = static_cast<unsigned>(v);
        } else if (option == "device-read-iops-sec") {
            it->readIopsSec = v;
        } else if (option == "device-write-iops-sec") {
            it->writeIopsSec = v;
        } else if (option == "device-read-bytes-sec") {
            it->readBytesSec = v;
        } else {
            it->writeBytesSec = v;
        }
    }
}

int cmdBlkiotune(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    Impact impact = impactOf(args);
    Tuning t;
    if (args.count("weight")) {
        uint64_t w = number(opt(args, "weight"), "weight");
        if (w < 100 || w > 1000)
            throw Error(ErrorCode::InvalidArg,
                        "invalid blkio weight '" + opt(args, "weight") + "': not in 100..1000");
        t.blkioWeight = static_cast<unsigned>(w);
    }
    for (const char* o : kDeviceOptions)
        if (args.count(o)) addDeviceValues(t, o, opt(args, o));
    if (t.blkioWeight || !t.blkioDevices.empty()) {
        d.tune(t, impact);
        return 0;
    }
    Tuning cur = d.tuning(impact);
    field(s, "weight", cur.blkioWeight ? std::to_string(*cur.blkioWeight) : "0");
    auto list = [&](auto member) {
        std::string out;
        for (const auto& dev : cur.blkioDevices)
            if (dev.*member)
                out += (out.empty() ? "" : ",") + dev.path + "," + std::to_string(*(dev.*member));
        return out;
    };
    field(s, "device_weight", list(&BlkioDeviceTuning::weight));
    field(s, "device_read_iops_sec", list(&BlkioDeviceTuning::readIopsSec));
    field(s, "device_write_iops_sec", list(&BlkioDeviceTuning::writeIopsSec));
    field(s, "device_read_bytes_sec", list(&BlkioDeviceTuning::readBytesSec));
    field(s, "device_write_bytes_sec", list(&BlkioDeviceTuning::writeBytesSec));
    return 0;
}

// --- vcpupin / emulatorpin -------------------------------------------------------------------
std::string hostCpus() {
    std::ifstream in("/sys/devices/system/cpu/online");
    std::string line;
    std::getline(in, line);
    return line.empty() ? "0" : line;
}

void declareVcpupin(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("vcpu", po::value<std::string>(), "vCPU number")(
        "cpulist", po::value<std::string>(), "host cpu number(s) to set, or omit option to query");
    pos.add("vcpu", 1).add("cpulist", 1);
    declareImpact(opts);
}
int cmdVcpupin(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    Impact impact = impactOf(args);
    unsigned vcpus = d.info().vcpus;
    std::optional<unsigned> vcpu;
    if (args.count("vcpu")) {
        uint64_t v = number(opt(args, "vcpu"), "vcpu number");
        if (v >= vcpus)
            throw Error(ErrorCode::InvalidArg, "vcpu " + std::to_string(v) +
                                                   " is out of range of cpu count " +
                                                   std::to_string(vcpus));
        vcpu = static_cast<unsigned>(v);
    }
    if (args.count("cpulist")) {
        if (!vcpu) throw Error(ErrorCode::InvalidArg, "vcpupin: Missing vCPU number in pin mode.");
        Tuning t;
        t.cpuset = opt(args, "cpulist");
        d.tune(t, impact);
        return 0;
    }
    std::string cpus = d.tuning(impact).cpuset.value_or(hostCpus());
    Table table({"VCPU", "CPU Affinity"});
    for (unsigned i = 0; i < vcpus; ++i)
        if (!vcpu || *vcpu == i) table.add({std::to_string(i), cpus});
    table.print(s.out(), !s.quiet);
    return 0;
}

void declareEmulatorpin(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("cpulist", po::value<std::string>(),
                       "host cpu number(s) to set, or omit option to query");
    pos.add("cpulist", 1);
    declareImpact(opts);
}
int cmdEmulatorpin(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    Impact impact = impactOf(args);
    if (args.count("cpulist")) {
        Tuning t;
        t.cpuset = opt(args, "cpulist");
        d.tune(t, impact);
        return 0;
    }
    // virsh -q prints the affinity alone
    s.info() << "emulator: CPU Affinity\n----------------------------------\n       *: ";
    s.out() << d.tuning(impact).cpuset.value_or(hostCpus()) << "\n";
    return 0;
}

// --- pidstune (cvirt extension: <cvirt:pids max>) --------------------------------------------
void declarePidstune(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("max", po::value<std::string>(), "most tasks at once, -1 = unlimited");
    declareImpact(opts);
}
int cmdPidstune(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    Impact impact = impactOf(args);
    if (args.count("max")) {
        std::string v = opt(args, "max");
        Tuning t;
        t.pidsMax = v == "-1" ? kUnlimited : number(v, "pids max");
        if (*t.pidsMax == 0) throw Error(ErrorCode::InvalidArg, "pids max must be at least 1");
        d.tune(t, impact);
        return 0;
    }
    field(s, "max", orUnlimited(d.tuning(impact).pidsMax));
    return 0;
}

}  // namespace

std::vector<Command> tuningCommands() {
    return {
        {"setmem", "domain", "change memory allocation",
         "Change the current memory allocation of the domain; for a container, the memory "
         "limit of its cgroup.",
         declareSetmem, cmdSetmem, Complete::Domain},
        {"setmaxmem", "domain", "change maximum memory limit",
         "Change the maximum memory (<memory>) of the domain; inactive definition only.",
         declareSetmem, cmdSetmaxmem, Complete::Domain},
        {"memtune", "domain", "Get or set memory parameters",
         "Get or set the current memory parameters for a guest domain; -1 means unlimited.",
         declareMemtune, cmdMemtune, Complete::Domain},
        {"schedinfo", "domain", "show/set scheduler parameters",
         "Show/Set scheduler parameters (cpu_shares, vcpu_period, vcpu_quota).", declareSchedinfo,
         cmdSchedinfo, Complete::Domain},
        {"blkiotune", "domain", "Get or set blkio parameters",
         "Get or set the current blkio parameters for a guest domain; a device value of 0 "
         "removes it.",
         declareBlkiotune, cmdBlkiotune, Complete::Domain},
        {"vcpupin", "domain", "control or query domain vcpu affinity",
         "Pin domain VCPUs to host physical CPUs; a container's vcpus share one cpuset.",
         declareVcpupin, cmdVcpupin, Complete::Domain},
        {"emulatorpin", "domain", "control or query domain emulator affinity",
         "Pin domain emulator threads to host physical CPUs; for a container, the cpuset of "
         "every process.",
         declareEmulatorpin, cmdEmulatorpin, Complete::Domain},
        {"pidstune", "domain", "Get or set the pids limit (cvirt extension)",
         "Get or set <cvirt:pids max>, the most tasks a container may have (pids.max).",
         declarePidstune, cmdPidstune, Complete::Domain},
    };
}

}  // namespace cvirt::shell
