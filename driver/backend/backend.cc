#include "backend/backend.h"

#include "supervisor/client.h"

namespace cvirt::backend {

bool ControlledBackend::destroy(const state::LiveDomain& d, long teardownMs) {
    return supervisor::destroy(paths_, d.name, teardownMs);
}

void ControlledBackend::shutdown(const state::LiveDomain& d) {
    supervisor::shutdown(paths_, d.name);
}

void ControlledBackend::reboot(const state::LiveDomain& d) {
    supervisor::reboot(paths_, d.name);
}

util::Fd ControlledBackend::openConsole(const state::LiveDomain& d, bool force) {
    return supervisor::openConsole(paths_, d.name, force);
}

}  // namespace cvirt::backend
