// SPDX-License-Identifier: GPL-3.0-or-later
// event: lifecycle events of any domain, made by any shell or controller, as virsh prints
// them.
#include <ctime>
#include <iostream>

#include "commands/common.h"
#include "cvirt/error.h"

namespace cvirt::shell {

namespace {

void declareEvent(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("domain", po::value<std::string>(), "filter by domain name, id or uuid")(
        "event", po::value<std::string>(), "which event type to wait for (lifecycle, reboot)")(
        "all", "wait for all events instead of just one type")(
        "loop", "loop until timeout or interrupt, rather than one-shot")(
        "timeout", po::value<int>(), "timeout seconds")("list", "list valid event types")(
        "timestamp", "show timestamp for each printed event");
    pos.add("domain", 1);
}

std::string capitalized(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
}

// "2026-11-23 12:00:00.123+0000: "
std::string stamp(int64_t us) {
    time_t secs = static_cast<time_t>(us / 1000000);
    tm t{};
    ::gmtime_r(&secs, &t);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &t);
    char out[96];
    std::snprintf(out, sizeof out, "%s.%03d+0000: ", buf, static_cast<int>((us / 1000) % 1000));
    return out;
}

int cmdEvent(Session& s, const po::variables_map& args) {
    if (flag(args, "list")) {
        s.out() << "lifecycle\nreboot\n";
        return 0;
    }
    std::string type = args.count("event") ? args["event"].as<std::string>() : "";
    if (!flag(args, "all") && type.empty())
        throw Error(ErrorCode::InvalidArg, "one of --list, --all, or --event <type> is required");
    if (!type.empty() && type != "lifecycle" && type != "reboot")
        throw Error(ErrorCode::InvalidArg, "unknown event type " + type);
    std::string domain;
    if (args.count("domain")) domain = lookupDomain(s, args).name();
    int timeoutMs = args.count("timeout") ? args["timeout"].as<int>() * 1000 : -1;
    if (args.count("timeout") && timeoutMs <= 0)
        throw Error(ErrorCode::InvalidArg, "invalid timeout value (expected seconds > 0)");

    EventStream events = s.connection().events();
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    int count = 0;
    bool timedOut = false;
    for (;;) {
        int left = -1;
        if (timeoutMs > 0) {
            left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        end - std::chrono::steady_clock::now())
                                        .count());
            if (left <= 0) {
                timedOut = true;
                break;
            }
        }
        bool done = false;
        for (const DomainEvent& e : events.wait(left)) {
            if (!domain.empty() && e.domain != domain) continue;
            bool reboot = e.event == "reboot";
            if (!type.empty() && type != (reboot ? "reboot" : "lifecycle")) continue;
            if (flag(args, "timestamp")) s.out() << stamp(e.timeUs);
            if (reboot)
                s.out() << "event 'reboot' for domain '" << e.domain << "'\n";
            else
                s.out() << "event 'lifecycle' for domain '" << e.domain
                        << "': " << capitalized(e.event) << " " << capitalized(e.detail) << "\n";
            s.out().flush();
            ++count;
            if (!flag(args, "loop")) {
                done = true;
                break;
            }
        }
        if (done) break;
    }
    if (timedOut) s.out() << "event loop timed out\n";
    s.out() << "events received: " << count << "\n";
    return 0;
}

}  // namespace

std::vector<Command> eventCommands() {
    return {
        {"event", "domain", "Domain Events",
         "List event types, or wait for domain events to occur: lifecycle (defined, undefined, "
         "started, suspended, resumed, stopped with the reason) and reboot, from any shell or "
         "controller of the connection's root.",
         declareEvent, cmdEvent, Complete::Domain},
    };
}

}  // namespace cvirt::shell
