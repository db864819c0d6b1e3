// SPDX-License-Identifier: GPL-3.0-or-later
#include "controller/protocol.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "cvirt/error.h"
#include "util/stream.h"

namespace cvirt::controller {

namespace {

constexpr std::string_view kErrorPrefix = "error ";

// One line whatever the message holds: '\n' and '\\' become "\\n" and "\\\\".
std::string escapeLine(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string unescapeLine(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == '\\'))
            out += text[++i] == 'n' ? '\n' : '\\';
        else
            out += text[i];
    }
    return out;
}

std::string errorHead(ErrorCode code) {
    return std::string(kErrorPrefix) + std::to_string(static_cast<int>(code)) + " ";
}

// A decimal number and the space after it, taken off the front of `text`.
std::optional<int> takeNumber(std::string_view& text) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data() + text.size() || *end != ' ') return std::nullopt;
    text.remove_prefix(static_cast<size_t>(end - text.data()) + 1);
    return value;
}

}  // namespace

util::Fd connect(const std::string& socketPath) {
    return util::connectUnix(socketPath, "the domain's controller");
}

std::string request(int fd, std::string_view request) {
    sendRequest(fd, request);
    return readReply(fd);
}

void sendRequest(int fd, std::string_view request) {
    std::string line(request);
    line += '\n';
    if (!util::writeFully(fd, line))
        throwSystemError(errno, "cannot talk to the domain's controller");
}

void sendRequestWithFd(int fd, std::string_view request, int passed) {
    sendRequest(fd, request);
    // A byte of its own after the line: the server reads the line bytewise and would drop
    // a descriptor that came with it.
    if (util::sendWithFd(fd, "\0", 1, passed) != 1)
        throwSystemError(errno, "cannot pass a descriptor to the domain's controller");
}

std::string readReply(int fd) {
    std::string reply;
    char buf[4096];
    for (;;) {
        // Peek, then consume up to the newline: what follows belongs to the stream.
        ssize_t n = ::recv(fd, buf, sizeof buf, MSG_PEEK);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        size_t take = static_cast<size_t>(n);
        bool done = false;
        for (size_t i = 0; i < take; ++i)
            if (buf[i] == '\n') {
                take = i + 1;
                done = true;
                break;
            }
        n = ::recv(fd, buf, take, 0);
        if (n <= 0) break;
        reply.append(buf, done ? take - 1 : take);
        if (done) break;
    }
    return reply;
}

std::string readRequest(int client, size_t max) {
    timeval tv{1, 0};
    ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string line;
    char c;
    while (line.size() < max && ::read(client, &c, 1) == 1 && c != '\n')
        line += c;
    timeval none{0, 0};
    ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
    return line;
}

util::Fd readPassedFd(int client) {
    pollfd p{client, POLLIN, 0};
    util::Fd passed;
    char byte;
    if (::poll(&p, 1, 1000) != 1 || util::receiveWithFd(client, &byte, 1, passed) != 1 || !passed)
        throw Error(ErrorCode::InvalidArg, "the request came without its descriptor");
    return passed;
}

void reply(int client, std::string_view text) {
    std::string r(text);
    r += '\n';
    util::writeFully(client, r);
}

std::string encodeError(const Error& e) {
    std::string_view message = e.what();
    int err = e.sysErrno();
    if (err != 0) {
        // what() ends with ": strerror(errno)", which the decoding Error appends again.
        std::string suffix = std::string(": ") + std::strerror(err);
        if (message.ends_with(suffix))
            message.remove_suffix(suffix.size());
        else
            err = 0;  // not rebuilt from the errno: the text goes as it is
    }
    return errorHead(e.code()) + std::to_string(err) + " " + escapeLine(message);
}

std::optional<Error> decodeError(std::string_view line) {
    if (!line.starts_with(kErrorPrefix)) return std::nullopt;
    line.remove_prefix(kErrorPrefix.size());
    std::string_view rest = line;
    auto code = takeNumber(rest);
    auto err = code ? takeNumber(rest) : std::nullopt;
    if (!err || *err < 0)  // an older controller's "error MESSAGE"
        return Error(ErrorCode::OperationFailed, unescapeLine(line));
    bool known = *code >= 0 && *code <= static_cast<int>(ErrorCode::HookFailed);
    return Error(known ? static_cast<ErrorCode>(*code) : ErrorCode::Internal, unescapeLine(rest),
                 *err);
}

ErrnoErrorLine errnoErrorLine(std::string_view message) {
    return {errorHead(ErrorCode::SystemError), " " + escapeLine(message)};
}

}  // namespace cvirt::controller
