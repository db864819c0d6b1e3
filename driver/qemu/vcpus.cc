// SPDX-License-Identifier: GPL-3.0-or-later
// setvcpus --live of a running VM, as libvirt's qemu driver does it: qemu runs with
// -smp CURRENT,maxcpus=MAX; a vcpu comes with device_add of one of query-hotpluggable-cpus'
// free slots (id "vcpuN", N its index) and goes with device_del once the guest released it.
// Only vcpus plugged that way can go: those qemu started with cannot be unplugged.
#include <algorithm>
#include <chrono>
#include <thread>

#include "cvirt/error.h"
#include "qemu/qmp_call.h"
#include "qemu/vcpus.h"

namespace cvirt::qemu {

namespace {

// The vcpu slots in index order (socket, die, core, thread), plugged or not.
std::vector<Json> slots(const state::DriverPaths& paths, const std::string& name) {
    Json all = qmpCall(paths, name, "query-hotpluggable-cpus");
    std::vector<Json> out(all.begin(), all.end());
    auto key = [](const Json& s) {
        const Json& p = s.at("props");
        return std::array<int, 4>{p.value("socket-id", 0), p.value("die-id", 0),
                                  p.value("core-id", 0), p.value("thread-id", 0)};
    };
    std::sort(out.begin(), out.end(),
              [&](const Json& a, const Json& b) { return key(a) < key(b); });
    return out;
}

bool plugged(const Json& slot) {
    return slot.contains("qom-path");
}

std::string idOf(size_t index) {
    return "vcpu" + std::to_string(index);
}

// Whether the slot's vcpu was plugged by device_add (its id, under /machine/peripheral).
bool hotplugged(const Json& slot, size_t index) {
    return plugged(slot) && slot.value("qom-path", "") == "/machine/peripheral/" + idOf(index);
}

Error granularity() {
    return Error(ErrorCode::ConfigUnsupported,
                 "failed to find appropriate hotpluggable vcpus to "
                 "reach the desired target vcpu count");
}

}  // namespace

void setOnlineVcpus(const state::DriverPaths& paths, const std::string& name, unsigned online,
                    unsigned wanted) {
    std::vector<Json> all = slots(paths, name);
    if (wanted > online) {
        unsigned count = online;
        for (size_t i = 0; i < all.size() && count < wanted; ++i) {
            if (plugged(all[i])) continue;
            Json args = all[i].at("props");
            args["driver"] = all[i].at("type");
            args["id"] = idOf(i);
            qmpCall(paths, name, "device_add", args);
            count += all[i].value("vcpus-count", 1);
        }
        if (count != wanted) throw granularity();
        return;
    }
    // From the highest index down, those device_add plugged; each must be released by the
    // guest (ACPI eject) before the next.
    std::vector<size_t> gone;
    unsigned count = online;
    for (size_t i = all.size(); i-- > 0 && count > wanted;)
        if (hotplugged(all[i], i)) {
            gone.push_back(i);
            count -= all[i].value("vcpus-count", 1);
        }
    if (count != wanted) throw granularity();
    constexpr int kReleaseMs = 30000;  // libvirt waits 5 s; an emulated guest takes longer
    for (size_t i : gone) {
        qmpCall(paths, name, "device_del", {{"id", idOf(i)}});
        for (int waited = 0;; waited += 100) {
            std::vector<Json> now = slots(paths, name);
            if (!hotplugged(now.at(i), i)) break;
            if (waited >= kReleaseMs)
                throw Error(ErrorCode::OperationFailed,
                            "vcpu unplug request timed out. Unplug result "
                            "must be manually inspected in the domain");
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

}  // namespace cvirt::qemu
