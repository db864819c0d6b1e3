// SPDX-License-Identifier: GPL-3.0-or-later
// Connection::events(): the root's event journal, filtered to this connection's drivers.
#include <algorithm>

#include "api/connection_impl.h"
#include "cvirt/connection.h"
#include "state/events.h"

namespace cvirt {

struct EventStream::Impl {
    state::EventFollower follower;
    std::vector<std::string> drivers;
};

EventStream::EventStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventStream::EventStream(EventStream&&) noexcept = default;
EventStream& EventStream::operator=(EventStream&&) noexcept = default;
EventStream::~EventStream() = default;

std::vector<DomainEvent> EventStream::wait(int timeoutMs) {
    std::vector<DomainEvent> out;
    for (auto& e : impl_->follower.wait(timeoutMs))
        if (std::find(impl_->drivers.begin(), impl_->drivers.end(), e.driver) !=
            impl_->drivers.end())
            out.push_back({e.timeUs, std::move(e.domain), std::move(e.event), std::move(e.detail)});
    return out;
}

int EventStream::fd() const {
    return impl_->follower.fd();
}

EventStream Connection::events() const {
    const auto& drivers = impl_->drivers();
    std::vector<std::string> names;
    for (const auto& d : drivers)
        names.emplace_back(state::driverName(d.paths.kind));
    return EventStream(std::make_unique<EventStream::Impl>(EventStream::Impl{
        state::EventFollower(state::eventsPath(drivers.front().paths)), std::move(names)}));
}

}  // namespace cvirt
