// SPDX-License-Identifier: GPL-3.0-or-later
// virsh's two error lines for a failed call, which scripts grep:
//   error: Failed to start domain 'web'
//   error: Requested operation is not valid: domain is already active
// The first says what failed; the second is the cause with libvirt's prefix for its kind
// (virErrorMsg: "XML error: ", "Requested operation is not valid: ", …), cvirt's detail
// (file:line of an XML error) kept after it.
#pragma once

#include <string>

#include "cvirt/error.h"

namespace cvirt::shell {

// The cause as libvirt words it. `object` ("domain 'web'") is dropped from a message that
// starts with it, as libvirt's messages name no object ("domain is already active").
std::string libvirtWords(const Error& cause, const std::string& object = {});

// An Error of the cause's code whose text is "FAILURE\nerror: CAUSE" (the dispatcher prints
// the first "error: ").
Error failedTo(const std::string& failure, const Error& cause, const std::string& object = {});

}  // namespace cvirt::shell
