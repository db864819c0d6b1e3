// SPDX-License-Identifier: GPL-3.0-or-later
#include "backend/backend.h"

#include "controller/client.h"
#include "cvirt/error.h"

namespace cvirt::backend {

bool ControlledBackend::destroy(const state::LiveDomain& d, long teardownMs) {
    return controller::destroy(paths_, d.name, teardownMs);
}

void ControlledBackend::shutdown(const state::LiveDomain& d) {
    controller::shutdown(paths_, d.name);
}

void ControlledBackend::reboot(const state::LiveDomain& d) {
    controller::reboot(paths_, d.name);
}

util::Fd ControlledBackend::openConsole(const state::LiveDomain& d, bool force,
                                        const std::string& devname) {
    return controller::openConsole(paths_, d.name, force, devname);
}

}  // namespace cvirt::backend

namespace cvirt::backend {

std::string Backend::hostname(const state::LiveDomain&) {
    throw Error(ErrorCode::ConfigUnsupported,
                "argument unsupported: QEMU guest agent is not configured");
}

}  // namespace cvirt::backend
