// SPDX-License-Identifier: GPL-3.0-or-later
// maxMemory, memory, currentMemory, blkiotune, memtune, vcpu, cputune, numatune, resource.
#include "conf/sections.h"
#include "cvirt/error.h"

namespace cvirt::conf::detail {

namespace {

std::optional<uint64_t> scaledChild(const XmlContext& ctx, pugi::xml_node parent,
                                    const char* name) {
    pugi::xml_node n = parent.child(name);
    if (!n) return std::nullopt;
    return parseScaledElementKiB(ctx, n);
}

std::optional<uint64_t> u64Child(const XmlContext& ctx, pugi::xml_node parent, const char* name) {
    pugi::xml_node n = parent.child(name);
    if (!n) return std::nullopt;
    return parseU64(ctx, n, n.text().get(), name);
}

void appendNumber(pugi::xml_node parent, const char* name, std::optional<uint64_t> v) {
    if (v) appendText(parent, name, std::to_string(*v));
}
void appendSigned(pugi::xml_node parent, const char* name, std::optional<int64_t> v) {
    if (v) appendText(parent, name, std::to_string(*v));
}

template <typename T>
T inRange(const XmlContext& ctx, pugi::xml_node n, T value, T lo, T hi) {
    if (value < lo || value > hi)
        ctx.fail(n, "value " + std::to_string(value) + " is outside " + std::to_string(lo) + ".." +
                        std::to_string(hi));
    return value;
}

unsigned blkioWeight(const XmlContext& ctx, pugi::xml_node w) {
    return inRange(ctx, w, parseU32(ctx, w, w.text().get(), "weight"), 100u, 1000u);
}

std::optional<uint64_t> rangedChild(const XmlContext& ctx, pugi::xml_node parent, const char* name,
                                    uint64_t lo, uint64_t hi) {
    pugi::xml_node n = parent.child(name);
    if (!n) return std::nullopt;
    return inRange(ctx, n, parseU64(ctx, n, n.text().get(), name), lo, hi);
}

std::optional<int64_t> quotaChild(const XmlContext& ctx, pugi::xml_node parent, const char* name) {
    pugi::xml_node n = parent.child(name);
    if (!n) return std::nullopt;
    int64_t q = parseI64(ctx, n, n.text().get(), name);
    if (q == -1) return q;
    return inRange<int64_t>(ctx, n, q, 1000, 17592186044415);
}

}  // namespace

void parseResources(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def) {
    if (pugi::xml_node n = domain.child("maxMemory")) {
        MaxMemory m;
        m.kib = parseScaledElementKiB(ctx, n);
        if (auto slots = attrOf(n, "slots")) m.slots = parseU32(ctx, n, *slots, "slots");
        def.maxMemory = m;
    }
    if (pugi::xml_node n = domain.child("memory")) def.memory.kib = parseScaledElementKiB(ctx, n);
    if (pugi::xml_node n = domain.child("currentMemory"))
        def.currentMemory = MemoryKiB{parseScaledElementKiB(ctx, n)};

    if (pugi::xml_node b = domain.child("blkiotune")) {
        if (pugi::xml_node w = b.child("weight")) def.blkiotune.weight = blkioWeight(ctx, w);
        for (pugi::xml_node d : b.children("device")) {
            BlkioDevice dev;
            dev.path = childText(d, "path").value_or("");
            if (pugi::xml_node w = d.child("weight")) dev.weight = blkioWeight(ctx, w);
            dev.readBytesSec = u64Child(ctx, d, "read_bytes_sec");
            dev.writeBytesSec = u64Child(ctx, d, "write_bytes_sec");
            dev.readIopsSec = u64Child(ctx, d, "read_iops_sec");
            dev.writeIopsSec = u64Child(ctx, d, "write_iops_sec");
            def.blkiotune.devices.push_back(std::move(dev));
        }
    }
    if (pugi::xml_node m = domain.child("memtune")) {
        def.memtune.hardLimitKiB = scaledChild(ctx, m, "hard_limit");
        def.memtune.softLimitKiB = scaledChild(ctx, m, "soft_limit");
        def.memtune.swapHardLimitKiB = scaledChild(ctx, m, "swap_hard_limit");
        def.memtune.minGuaranteeKiB = scaledChild(ctx, m, "min_guarantee");
    }
    if (pugi::xml_node v = domain.child("vcpu")) {
        def.vcpu.count = parseU32(ctx, v, v.text().get(), "vcpu count");
        if (def.vcpu.count == 0) ctx.fail(v, "vcpu count must be at least 1");
        if (auto p = attrOf(v, "placement"))
            def.vcpu.placement = parseEnum(ctx, v, kVcpuPlacementNames, *p, "vcpu placement");
        def.vcpu.cpuset = attrOf(v, "cpuset").value_or("");
        if (auto c = attrOf(v, "current")) def.vcpu.current = parseU32(ctx, v, *c, "current vcpus");
    }
    if (pugi::xml_node c = domain.child("cputune")) {
        def.cputune.shares = rangedChild(ctx, c, "shares", 2, 262144);
        def.cputune.period = rangedChild(ctx, c, "period", 1000, 1000000);
        def.cputune.quota = quotaChild(ctx, c, "quota");
        def.cputune.emulatorPeriod = rangedChild(ctx, c, "emulator_period", 1000, 1000000);
        def.cputune.emulatorQuota = quotaChild(ctx, c, "emulator_quota");
        if (pugi::xml_node e = c.child("emulatorpin"))
            def.cputune.emulatorpinCpuset = attrOf(e, "cpuset").value_or("");
        // A pin that cvirt would not apply is refused, not dropped without a word.
        if (pugi::xml_node p = c.child("vcpupin"))
            ctx.fail(p, "<vcpupin> is not supported (pin all vcpus with <vcpu cpuset='…'>)");
    }
    if (pugi::xml_node n = domain.child("numatune")) {
        if (pugi::xml_node m = n.child("memory")) {
            if (auto mode = attrOf(m, "mode"))
                def.numatune.mode = parseEnum(ctx, m, kNumaModeNames, *mode, "numatune mode");
            if (auto p = attrOf(m, "placement"))
                def.numatune.placement =
                    parseEnum(ctx, m, kVcpuPlacementNames, *p, "numatune placement");
            def.numatune.nodeset = attrOf(m, "nodeset").value_or("");
        }
    }
    if (pugi::xml_node r = domain.child("resource"))
        def.resourcePartition = childText(r, "partition").value_or("");
}

void formatResources(const DomainDef& def, pugi::xml_node domain) {
    if (def.maxMemory) {
        pugi::xml_node n = domain.append_child("maxMemory");
        if (def.maxMemory->slots) setAttr(n, "slots", *def.maxMemory->slots);
        setAttr(n, "unit", "KiB");
        n.append_child(pugi::node_pcdata).set_value(std::to_string(def.maxMemory->kib).c_str());
    }
    appendKiB(domain, "memory", def.memory.kib);
    if (def.currentMemory) appendKiB(domain, "currentMemory", def.currentMemory->kib);
    if (!def.blkiotune.empty()) {
        pugi::xml_node b = domain.append_child("blkiotune");
        if (def.blkiotune.weight) appendText(b, "weight", std::to_string(*def.blkiotune.weight));
        for (const auto& d : def.blkiotune.devices) {
            pugi::xml_node n = b.append_child("device");
            appendText(n, "path", d.path);
            if (d.weight) appendText(n, "weight", std::to_string(*d.weight));
            appendNumber(n, "read_iops_sec", d.readIopsSec);
            appendNumber(n, "write_iops_sec", d.writeIopsSec);
            appendNumber(n, "read_bytes_sec", d.readBytesSec);
            appendNumber(n, "write_bytes_sec", d.writeBytesSec);
        }
    }
    if (!def.memtune.empty()) {
        pugi::xml_node m = domain.append_child("memtune");
        if (def.memtune.hardLimitKiB) appendKiB(m, "hard_limit", *def.memtune.hardLimitKiB);
        if (def.memtune.softLimitKiB) appendKiB(m, "soft_limit", *def.memtune.softLimitKiB);
        if (def.memtune.minGuaranteeKiB)
            appendKiB(m, "min_guarantee", *def.memtune.minGuaranteeKiB);
        if (def.memtune.swapHardLimitKiB)
            appendKiB(m, "swap_hard_limit", *def.memtune.swapHardLimitKiB);
    }
    pugi::xml_node v = appendText(domain, "vcpu", std::to_string(def.vcpu.count));
    if (def.vcpu.placement) setAttr(v, "placement", kVcpuPlacementNames.name(*def.vcpu.placement));
    if (!def.vcpu.cpuset.empty()) setAttr(v, "cpuset", def.vcpu.cpuset);
    if (def.vcpu.current) setAttr(v, "current", *def.vcpu.current);
    if (!def.cputune.empty()) {
        pugi::xml_node c = domain.append_child("cputune");
        appendNumber(c, "shares", def.cputune.shares);
        appendNumber(c, "period", def.cputune.period);
        appendSigned(c, "quota", def.cputune.quota);
        appendNumber(c, "emulator_period", def.cputune.emulatorPeriod);
        appendSigned(c, "emulator_quota", def.cputune.emulatorQuota);
        if (!def.cputune.emulatorpinCpuset.empty())
            setAttr(c.append_child("emulatorpin"), "cpuset", def.cputune.emulatorpinCpuset);
    }
    if (!def.numatune.empty()) {
        pugi::xml_node m = domain.append_child("numatune").append_child("memory");
        if (def.numatune.mode) setAttr(m, "mode", kNumaModeNames.name(*def.numatune.mode));
        if (!def.numatune.nodeset.empty()) setAttr(m, "nodeset", def.numatune.nodeset);
        if (def.numatune.placement)
            setAttr(m, "placement", kVcpuPlacementNames.name(*def.numatune.placement));
    }
    if (!def.resourcePartition.empty())
        appendText(domain.append_child("resource"), "partition", def.resourcePartition);
}

}  // namespace cvirt::conf::detail
