// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/virsh_error.h"

namespace cvirt::shell {

namespace {

// libvirt's virErrorMsg for the codes cvirt shares with it.
const char* prefix(ErrorCode code) {
    switch (code) {
        case ErrorCode::XmlError:
            return "XML error: ";
        case ErrorCode::OperationInvalid:
            return "Requested operation is not valid: ";
        case ErrorCode::OperationFailed:
            return "operation failed: ";
        case ErrorCode::ConfigUnsupported:
            return "unsupported configuration: ";
        case ErrorCode::InvalidArg:
            return "invalid argument: ";
        case ErrorCode::Internal:
            return "internal error: ";
        case ErrorCode::NoDomainSnapshot:
            return "Domain snapshot not found: ";
        default:
            return "";
    }
}

bool startsWith(const std::string& s, const std::string& p) {
    return s.compare(0, p.size(), p) == 0;
}

}  // namespace

std::string libvirtWords(const Error& cause, const std::string& object) {
    std::string text = cause.what();
    const std::string pre = prefix(cause.code());
    if (!object.empty() && startsWith(text, object + " ")) {
        // "domain 'web' is already active" -> "domain is already active"
        text = object.substr(0, object.find(' ')) + text.substr(object.size());
    }
    // libvirt's words of codes cvirt has no code of its own for come in full from the driver
    bool worded = false;
    for (const char* full :
         {"XML document failed to validate against schema: ", "argument unsupported: ",
          "Operation not supported: ", "this function is not supported by the connection driver: ",
          "unsupported flags (", "Flag '", "Flags '"})
        worded |= startsWith(text, full);
    if (!pre.empty() && !worded && !startsWith(text, pre)) text = pre + text;
    return text;
}

Error failedTo(const std::string& failure, const Error& cause, const std::string& object) {
    // errno 0: the cause's text already ends with its strerror
    return Error(cause.code(), failure + "\nerror: " + libvirtWords(cause, object));
}

}  // namespace cvirt::shell
