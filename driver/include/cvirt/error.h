// SPDX-License-Identifier: GPL-3.0-or-later
// The one error type cvirt throws. Every failure carries a stable code, the errno of a
// failed syscall (0 otherwise) and a message naming the object; the shell prints
// "error: " + what().
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "cvirt/export.h"

namespace cvirt {

enum class ErrorCode {
    Internal,
    InvalidArg,
    XmlError,
    ConfigUnsupported,
    NoDomain,
    DomainExists,
    OperationInvalid,
    OperationFailed,
    SystemError,
    HookFailed,
    NoDomainSnapshot,
};

class CVIRT_API Error : public std::exception {
public:
    Error(ErrorCode code, std::string message, int sysErrno = 0);

    ErrorCode code() const noexcept { return code_; }
    int sysErrno() const noexcept { return errno_; }
    // "ctx: message: strerror(errno)"
    const char* what() const noexcept override { return text_.c_str(); }
    // Prefixes "ctx: "; the outermost context ends up first.
    Error&& withContext(std::string_view ctx) &&;

private:
    ErrorCode code_;
    int errno_;
    std::string text_;
};

[[noreturn]] CVIRT_API void throwSystemError(int err, std::string message);

}  // namespace cvirt
