// SPDX-License-Identifier: GPL-3.0-or-later
// os, idmap, features, clock, on_poweroff, on_reboot, on_crash.
#include <algorithm>

#include "conf/sections.h"
#include "cvirt/error.h"

namespace cvirt::conf {

// libvirt's virDomainProcessCapsFeature names.
const std::vector<std::string> kCapabilityNames = {
    "audit_control",   "audit_write",      "block_suspend",  "chown",
    "dac_override",    "dac_read_search",  "fowner",         "fsetid",
    "ipc_lock",        "ipc_owner",        "kill",           "lease",
    "linux_immutable", "mac_admin",        "mac_override",   "mknod",
    "net_admin",       "net_bind_service", "net_broadcast",  "net_raw",
    "setgid",          "setfcap",          "setpcap",        "setuid",
    "sys_admin",       "sys_boot",         "sys_chroot",     "sys_module",
    "sys_nice",        "sys_pacct",        "sys_ptrace",     "sys_rawio",
    "sys_resource",    "sys_time",         "sys_tty_config", "syslog",
    "wake_alarm"};

namespace detail {

namespace {

void parseIdmapRanges(const XmlContext& ctx, pugi::xml_node idmap, const char* name,
                      std::vector<IdmapRange>& out) {
    for (pugi::xml_node n : idmap.children(name)) {
        IdmapRange r;
        r.start = parseU64(ctx, n, attrOf(n, "start").value_or(""), "idmap start");
        r.target = parseU64(ctx, n, attrOf(n, "target").value_or(""), "idmap target");
        r.count = parseU64(ctx, n, attrOf(n, "count").value_or(""), "idmap count");
        r.line = ctx.lineOf(n);
        out.push_back(r);
    }
}

void formatIdmapRanges(pugi::xml_node idmap, const char* name, const std::vector<IdmapRange>& v) {
    for (const auto& r : v) {
        pugi::xml_node n = idmap.append_child(name);
        setAttr(n, "start", r.start);
        setAttr(n, "target", r.target);
        setAttr(n, "count", r.count);
    }
}

std::optional<LifecycleAction> parseAction(const XmlContext& ctx, pugi::xml_node domain,
                                           const char* name) {
    pugi::xml_node n = domain.child(name);
    if (!n) return std::nullopt;
    return parseEnum(ctx, n, kLifecycleActionNames, trimmed(n.text().get()), "action");
}

}  // namespace

void parseOs(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def) {
    if (pugi::xml_node os = domain.child("os")) {
        if (pugi::xml_node t = os.child("type")) {
            def.os.type = parseEnum(ctx, t, kOsTypeNames, trimmed(t.text().get()), "os type");
            def.os.arch = attrOf(t, "arch").value_or("");
            def.os.machine = attrOf(t, "machine").value_or("");
        } else {
            def.os.type = def.type == DomainType::Lxc ? OsType::Exe : OsType::Hvm;
        }
        def.os.init = childText(os, "init").value_or("");
        for (pugi::xml_node a : os.children("initarg"))
            def.os.initargs.push_back(a.text().get());
        for (pugi::xml_node e : os.children("initenv"))
            def.os.initenv.push_back(
                InitEnv{std::string(attrOf(e, "name").value_or("")), e.text().get()});
        def.os.initdir = childText(os, "initdir").value_or("");
        def.os.inituser = childText(os, "inituser").value_or("");
        def.os.initgroup = childText(os, "initgroup").value_or("");
        def.os.kernel = childText(os, "kernel").value_or("");
        def.os.initrd = childText(os, "initrd").value_or("");
        if (pugi::xml_node c = os.child("cmdline")) def.os.cmdline = c.text().get();
        for (pugi::xml_node b : os.children("boot"))
            def.os.boot.push_back(
                parseEnum(ctx, b, kBootDevNames, attrOf(b, "dev").value_or(""), "boot device"));
    } else {
        def.os.type = def.type == DomainType::Lxc ? OsType::Exe : OsType::Hvm;
    }
    if (pugi::xml_node idmap = domain.child("idmap")) {
        parseIdmapRanges(ctx, idmap, "uid", def.idmap.uid);
        parseIdmapRanges(ctx, idmap, "gid", def.idmap.gid);
    }
    if (pugi::xml_node f = domain.child("features")) {
        def.features.privnet = bool(f.child("privnet"));
        def.features.acpi = bool(f.child("acpi"));
        def.features.apic = bool(f.child("apic"));
        def.features.pae = bool(f.child("pae"));
        if (pugi::xml_node caps = f.child("capabilities")) {
            def.features.capsPolicy =
                parseEnum(ctx, caps, kCapPolicyNames, attrOf(caps, "policy").value_or("default"),
                          "capabilities policy");
            for (pugi::xml_node c : caps.children()) {
                if (c.type() != pugi::node_element) continue;
                std::string name = c.name();
                if (std::find(kCapabilityNames.begin(), kCapabilityNames.end(), name) ==
                    kCapabilityNames.end())
                    ctx.fail(c, "unknown capability '" + name + "'");
                Toggle state = parseEnum(ctx, c, kToggleNames, attrOf(c, "state").value_or("on"),
                                         "capability state");
                def.features.caps.push_back({name, state});
            }
        }
    }
    if (pugi::xml_node c = domain.child("clock")) {
        Clock clock;
        clock.offset = parseEnum(ctx, c, kClockOffsetNames, attrOf(c, "offset").value_or("utc"),
                                 "clock offset");
        clock.timezone = attrOf(c, "timezone").value_or("");
        if (auto adj = attrOf(c, "adjustment"))
            clock.adjustment = parseI64(ctx, c, *adj, "adjustment");
        for (pugi::xml_node t : c.children("timer")) {
            ClockTimer timer;
            timer.name =
                parseEnum(ctx, t, kTimerNameNames, attrOf(t, "name").value_or(""), "timer name");
            if (auto p = attrOf(t, "present")) {
                if (*p != "yes" && *p != "no")
                    ctx.fail(t, "present must be 'yes' or 'no', not '" + std::string(*p) + "'");
                timer.present = *p == "yes";
            }
            if (auto tp = attrOf(t, "tickpolicy"))
                timer.tickpolicy = parseEnum(ctx, t, kTickPolicyNames, *tp, "timer tickpolicy");
            for (const ClockTimer& other : clock.timers)
                if (other.name == timer.name)
                    ctx.fail(t, "timer '" + std::string(kTimerNameNames.name(timer.name)) +
                                    "' appears twice");
            clock.timers.push_back(timer);
        }
        def.clock = clock;
    }
    def.onPoweroff = parseAction(ctx, domain, "on_poweroff");
    def.onReboot = parseAction(ctx, domain, "on_reboot");
    def.onCrash = parseAction(ctx, domain, "on_crash");
}

void formatOs(const DomainDef& def, pugi::xml_node domain) {
    pugi::xml_node os = domain.append_child("os");
    pugi::xml_node type = appendText(os, "type", kOsTypeNames.name(def.os.type));
    if (!def.os.arch.empty()) setAttr(type, "arch", def.os.arch);
    if (!def.os.machine.empty()) setAttr(type, "machine", def.os.machine);
    if (!def.os.init.empty()) appendText(os, "init", def.os.init);
    for (const auto& a : def.os.initargs)
        appendText(os, "initarg", a);
    for (const auto& e : def.os.initenv)
        setAttr(appendText(os, "initenv", e.value), "name", e.name);
    if (!def.os.initdir.empty()) appendText(os, "initdir", def.os.initdir);
    if (!def.os.inituser.empty()) appendText(os, "inituser", def.os.inituser);
    if (!def.os.initgroup.empty()) appendText(os, "initgroup", def.os.initgroup);
    if (!def.os.kernel.empty()) appendText(os, "kernel", def.os.kernel);
    if (!def.os.initrd.empty()) appendText(os, "initrd", def.os.initrd);
    if (!def.os.cmdline.empty()) appendText(os, "cmdline", def.os.cmdline);
    for (BootDev b : def.os.boot)
        setAttr(os.append_child("boot"), "dev", kBootDevNames.name(b));

    if (!def.idmap.empty()) {
        pugi::xml_node idmap = domain.append_child("idmap");
        formatIdmapRanges(idmap, "uid", def.idmap.uid);
        formatIdmapRanges(idmap, "gid", def.idmap.gid);
    }
    if (!def.features.empty()) {
        pugi::xml_node f = domain.append_child("features");
        if (def.features.acpi) f.append_child("acpi");
        if (def.features.apic) f.append_child("apic");
        if (def.features.pae) f.append_child("pae");
        if (def.features.privnet) f.append_child("privnet");
        if (def.features.capsPolicy) {
            pugi::xml_node caps = f.append_child("capabilities");
            setAttr(caps, "policy", kCapPolicyNames.name(*def.features.capsPolicy));
            for (const auto& c : def.features.caps)
                setAttr(caps.append_child(c.name.c_str()), "state", kToggleNames.name(c.state));
        }
    }
    formatCpu(def, domain);
    if (def.clock) {
        pugi::xml_node c = domain.append_child("clock");
        setAttr(c, "offset", kClockOffsetNames.name(def.clock->offset));
        if (!def.clock->timezone.empty()) setAttr(c, "timezone", def.clock->timezone);
        if (def.clock->adjustment) setAttr(c, "adjustment", std::to_string(*def.clock->adjustment));
        for (const ClockTimer& t : def.clock->timers) {
            pugi::xml_node n = c.append_child("timer");
            setAttr(n, "name", kTimerNameNames.name(t.name));
            if (t.tickpolicy) setAttr(n, "tickpolicy", kTickPolicyNames.name(*t.tickpolicy));
            if (t.present) setAttr(n, "present", *t.present ? "yes" : "no");
        }
    }
    if (def.onPoweroff)
        appendText(domain, "on_poweroff", kLifecycleActionNames.name(*def.onPoweroff));
    if (def.onReboot) appendText(domain, "on_reboot", kLifecycleActionNames.name(*def.onReboot));
    if (def.onCrash) appendText(domain, "on_crash", kLifecycleActionNames.name(*def.onCrash));
    formatPm(def, domain);
}

}  // namespace detail
}  // namespace cvirt::conf
