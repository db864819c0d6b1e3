// SPDX-License-Identifier: GPL-3.0-or-later
// Domain events for cvirtd's clients: the journal of each connection some client has an
// event callback on is followed (Connection::events, one per connection URI however many
// clients), and each event goes to every client whose callbacks want it, as the messages
// remote::eventMessages makes. Nothing is followed while no client listens.
#pragma once

#include <poll.h>

#include <list>
#include <map>
#include <string>
#include <vector>

#include "cvirt/connection.h"
#include "server/client.h"

namespace cvirt::server {

class EventHub {
public:
    // Opens and closes journals so exactly those `clients` listen to are followed.
    void update(const std::list<Client>& clients);
    // Adds the journals' descriptors to a poll set; deliver() reads them back from it.
    void addPollFds(std::vector<pollfd>& fds);
    // Queues the events that arrived for the clients that want them.
    void deliver(const std::vector<pollfd>& fds, std::list<Client>& clients);

private:
    struct Source {
        Connection conn;
        EventStream events;
        std::map<std::string, std::string> uuids;  // by name: of domains gone since (undefined)
        size_t slot = 0;                           // its index in the poll set
    };
    DomainSummary domainOf(Source& source, const DomainEvent& event);
    std::map<std::string, Source> sources_;  // by connection URI
};

}  // namespace cvirt::server
