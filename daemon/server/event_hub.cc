// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/event_hub.h"

#include <iostream>
#include <set>

#include "remote/protocol.h"

namespace cvirt::server {

namespace {

bool listening(const remote::Session& s) {
    return s.conn && (!s.callbacks.empty() || !s.legacyEvents.empty());
}

}  // namespace

void EventHub::update(const std::list<Client>& clients) {
    std::set<std::string> wanted;
    for (const auto& c : clients)
        if (listening(c.session)) wanted.insert(c.session.conn->uri());
    for (auto it = sources_.begin(); it != sources_.end();)
        it = wanted.count(it->first) ? std::next(it) : sources_.erase(it);
    for (const auto& uri : wanted) {
        if (sources_.count(uri)) continue;
        try {
            Connection conn = Connection::open(uri);
            EventStream events = conn.events();  // from now: what happens next is seen
            Source src{std::move(conn), std::move(events), {}, 0};
            // The uuids of the domains there now, for the events of their undefinition.
            for (const auto& d :
                 src.conn.list({.active = true, .inactive = true, .needUuid = true}))
                src.uuids[d.name] = d.uuid;
            sources_.emplace(uri, std::move(src));
        } catch (const Error& e) {
            std::cerr << "cvirtd: cannot follow the events of " << uri << ": " << e.what() << "\n";
        }
    }
}

void EventHub::addPollFds(std::vector<pollfd>& fds) {
    for (auto& [uri, src] : sources_) {
        src.slot = fds.size();
        fds.push_back({src.events.fd(), POLLIN, 0});
    }
}

DomainSummary EventHub::domainOf(Source& src, const DomainEvent& e) {
    DomainSummary d;
    d.name = e.domain;
    try {
        if (auto dom = src.conn.find(e.domain)) d = dom->summary();
    } catch (const Error&) {  // gone meanwhile
    }
    if (!d.uuid.empty())
        src.uuids[d.name] = d.uuid;
    else if (auto it = src.uuids.find(d.name); it != src.uuids.end())
        d.uuid = it->second;
    return d;
}

void EventHub::deliver(const std::vector<pollfd>& fds, std::list<Client>& clients) {
    for (auto& [uri, src] : sources_) {
        if (src.slot >= fds.size() || !(fds[src.slot].revents & POLLIN)) continue;
        for (const DomainEvent& e : src.events.wait(0)) {
            DomainSummary dom = domainOf(src, e);
            for (auto& c : clients) {
                if (!listening(c.session) || c.session.conn->uri() != uri) continue;
                for (auto& m : remote::eventMessages(c.session, e, dom)) {
                    rpc::Header h{.program = remote::kRemoteProgram,
                                  .version = remote::kRemoteVersion,
                                  .procedure = m.procedure,
                                  .type = rpc::MessageType::Message,
                                  .serial = 1,  // as libvirt's daemon sends every event
                                  .status = rpc::MessageStatus::Ok};
                    c.out.add(rpc::encodeMessage(h, m.body));
                }
            }
        }
    }
}

}  // namespace cvirt::server
