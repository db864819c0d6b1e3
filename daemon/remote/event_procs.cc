// SPDX-License-Identifier: GPL-3.0-or-later
// Domain events: the callback registrations (virConnectDomainEventRegisterAny, by
// callbackID, and the older one-per-event-id form) and the lifecycle and reboot messages an
// event of cvirt's journal (Connection::events) makes for them. The server watches the
// journal while a client has a callback and sends what eventMessages returns.
#include <array>
#include <string_view>

#include "remote/dispatch.h"
#include "remote/protocol.h"

namespace cvirt::remote {

namespace {

using rpc::XdrReader;
using rpc::XdrWriter;

constexpr int32_t kEventIdLifecycle = 0;  // VIR_DOMAIN_EVENT_ID_LIFECYCLE
constexpr int32_t kEventIdReboot = 1;     // VIR_DOMAIN_EVENT_ID_REBOOT
// VIR_DOMAIN_EVENT_ID_LAST of libvirt 9.0: a client may register for any id below it (virsh
// `event --all` registers them all); cvirt has only lifecycle and reboot events to send.
constexpr int32_t kEventIdLast = 27;

int32_t checkedEventId(XdrReader& r) {
    int32_t id = r.i32("eventID");
    if (id < 0 || id >= kEventIdLast)
        throw Error(ErrorCode::Internal, "unsupported event ID " + std::to_string(id));
    return id;
}

// virDomainEventType and the details of each (include/libvirt/libvirt-domain.h), under
// the names cvirt's journal gives them; a detail's number is its index.
struct LifecycleNames {
    std::string_view event;
    std::array<std::string_view, 9> details;
};
constexpr std::array<LifecycleNames, 9> kLifecycle{{
    {"defined", {"added", "updated", "renamed", "from snapshot"}},
    {"undefined", {"removed", "renamed"}},
    {"started", {"booted", "migrated", "restored", "from snapshot", "wakeup"}},
    {"suspended",
     {"paused", "migrated", "ioerror", "watchdog", "restored", "from snapshot", "api error",
      "postcopy", "postcopy failed"}},
    {"resumed", {"unpaused", "migrated", "from snapshot", "postcopy"}},
    {"stopped",
     {"shutdown", "destroyed", "crashed", "migrated", "saved", "failed", "from snapshot"}},
    {"shutdown", {"finished", "guest", "host"}},
    {"pmsuspended", {"memory", "disk"}},
    {"crashed", {"panicked"}},
}};

}  // namespace

std::optional<std::pair<int32_t, int32_t>> lifecycleNumbers(const DomainEvent& e) {
    for (size_t i = 0; i < kLifecycle.size(); ++i) {
        if (kLifecycle[i].event != e.event) continue;
        int32_t detail = 0;  // a detail libvirt has no number for: the event's first
        for (size_t d = 0; d < kLifecycle[i].details.size(); ++d)
            if (!kLifecycle[i].details[d].empty() && kLifecycle[i].details[d] == e.detail)
                detail = static_cast<int32_t>(d);
        return std::pair{static_cast<int32_t>(i), detail};
    }
    return std::nullopt;
}

std::vector<EventMessage> eventMessages(const Session& s, const DomainEvent& e,
                                        const DomainSummary& dom) {
    auto lifecycle = lifecycleNumbers(e);
    int32_t eventId = lifecycle ? kEventIdLifecycle : e.event == "reboot" ? kEventIdReboot : -1;
    std::vector<EventMessage> out;
    if (eventId < 0) return out;
    auto body = [&](std::optional<int32_t> callbackId) {
        XdrWriter w;
        if (callbackId) w.i32(*callbackId);
        writeDomain(w, dom);
        if (lifecycle) {
            w.i32(lifecycle->first);
            w.i32(lifecycle->second);
        }
        return w.take();
    };
    for (const auto& [id, cb] : s.callbacks) {
        if (cb.eventId != eventId || (cb.domainUuid && *cb.domainUuid != dom.uuid)) continue;
        Proc p = lifecycle ? Proc::DomainEventCallbackLifecycle : Proc::DomainEventCallbackReboot;
        out.push_back({static_cast<int32_t>(p), body(id)});
    }
    if (s.legacyEvents.count(eventId)) {
        Proc p = lifecycle ? Proc::DomainEventLifecycle : Proc::DomainEventReboot;
        out.push_back({static_cast<int32_t>(p), body(std::nullopt)});
    }
    return out;
}

void addEventProcedures(ProcedureTable& t) {
    put(t, Proc::ConnectDomainEventCallbackRegisterAny,
        {"virConnectDomainEventRegisterAny", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             s.connection();
             EventCallback cb{.eventId = checkedEventId(r)};
             if (r.boolean("dom"))  // remote_domain: one domain's events only, by uuid
                 cb.domainUuid = readDomainRef(r).uuid;
             int32_t id = s.nextCallbackId++;
             s.callbacks.emplace(id, std::move(cb));
             w.i32(id);
         }});
    put(t, Proc::ConnectDomainEventCallbackDeregisterAny,
        {"virConnectDomainEventDeregisterAny", false, [](Session& s, XdrReader& r, XdrWriter&) {
             int32_t id = r.i32("callbackID");
             if (!s.callbacks.erase(id))
                 throw Error(ErrorCode::Internal,
                             "domain event callback " + std::to_string(id) + " not registered");
         }});
    put(t, Proc::ConnectDomainEventRegisterAny,
        {"virConnectDomainEventRegisterAny", false, [](Session& s, XdrReader& r, XdrWriter&) {
             s.connection();
             int32_t id = checkedEventId(r);
             if (!s.legacyEvents.insert(id).second)
                 throw Error(ErrorCode::Internal,
                             "domain event " + std::to_string(id) + " already registered");
         }});
    put(t, Proc::ConnectDomainEventDeregisterAny,
        {"virConnectDomainEventDeregisterAny", false, [](Session& s, XdrReader& r, XdrWriter&) {
             int32_t id = checkedEventId(r);
             if (!s.legacyEvents.erase(id))
                 throw Error(ErrorCode::Internal,
                             "domain event " + std::to_string(id) + " not registered");
         }});
}

}  // namespace cvirt::remote
