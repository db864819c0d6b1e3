// SPDX-License-Identifier: GPL-3.0-or-later
#include "cvirt/error.h"

#include <cstring>

namespace cvirt {

Error::Error(ErrorCode code, std::string message, int sysErrno)
    : code_(code), errno_(sysErrno), text_(std::move(message)) {
    if (sysErrno != 0) {
        text_ += ": ";
        text_ += std::strerror(sysErrno);
    }
}

Error&& Error::withContext(std::string_view ctx) && {
    text_.insert(0, std::string(ctx) + ": ");
    return std::move(*this);
}

void throwSystemError(int err, std::string message) {
    throw Error(ErrorCode::SystemError, std::move(message), err);
}

}  // namespace cvirt
