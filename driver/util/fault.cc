// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/fault.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "cvirt/error.h"
#include "util/stamp.h"

namespace cvirt::util::fault {

namespace {

enum class Action { Kill, Fail };

struct Armed {
    std::string point;
    Action action;
};

// nullptr when CVIRT_TEST_FAULT is unset or unreadable: every point is then a no-op.
const Armed* armed() {
    static const Armed* spec = []() -> const Armed* {
        const char* env = std::getenv("CVIRT_TEST_FAULT");
        if (!env || !*env) return nullptr;
        const char* colon = std::strrchr(env, ':');
        if (!colon) return nullptr;
        std::string action(colon + 1);
        if (action != "kill" && action != "fail") return nullptr;
        return new Armed{std::string(env, colon), action == "kill" ? Action::Kill : Action::Fail};
    }();
    return spec;
}

bool matches(const Armed* a, const char* name) {
    return a && a->point == name;
}

[[noreturn]] void killSelf() noexcept {
    ::kill(::getpid(), SIGKILL);
    for (;;)
        ::pause();
}

}  // namespace

void point(const char* name) {
    stamp(name);
    const Armed* a = armed();
    if (!matches(a, name)) return;
    if (a->action == Action::Kill) killSelf();
    throw Error(ErrorCode::OperationFailed, "fault injected at '" + std::string(name) + "'");
}

void killPoint(const char* name) noexcept {
    stamp(name);
    const Armed* a = armed();
    if (matches(a, name) && a->action == Action::Kill) killSelf();
}

}  // namespace cvirt::util::fault
