// SPDX-License-Identifier: GPL-3.0-or-later
// QMP requests to a running VM, through its controller (which holds the one QMP connection
// qemu allows).
#pragma once

#include <string>

#include "qemu/qmp.h"
#include "state/uri.h"

namespace cvirt::qemu {

// qemu-monitor-command: a QMP command as JSON text in (one line), qemu's answer as JSON text.
std::string qmpText(const state::DriverPaths& paths, const std::string& name,
                    const std::string& commandJson);

// One QMP command; its "return" value. Throws OperationFailed with qemu's description.
Json qmpCall(const state::DriverPaths& paths, const std::string& name, const std::string& command,
             const Json& arguments = Json::object());

}  // namespace cvirt::qemu
