// SPDX-License-Identifier: GPL-3.0-or-later
// Pieces shared by command files: the <domain> argument and the lookup that goes with it.
#pragma once

#include "engine/command.h"
#include "engine/session.h"
#include "engine/virsh_error.h"

namespace cvirt::shell {

inline void declareDomain(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("domain", po::value<std::string>()->required(), "domain name, id or uuid");
    pos.add("domain", 1);
}

// A command without options or arguments.
inline void declareNothing(po::options_description&, po::positional_options_description&) {}

inline Domain lookupDomain(Session& s, const po::variables_map& args) {
    return s.connection().lookup(args["domain"].as<std::string>());
}

// One driver call; a failure reads as virsh's: `failure` ("Failed to define domain from F"),
// then the cause in libvirt's words (see failedTo).
template <class Call>
auto failingAs(const std::string& failure, const std::string& object, Call&& call) {
    try {
        return call();
    } catch (const Error& e) {
        throw failedTo(failure, e, object);
    }
}
// The same for a call on `d`: "Failed to start domain 'web'".
template <class Call>
void act(Domain& d, const char* failure, Call&& call) {
    failingAs(std::string(failure) + " '" + d.name() + "'", "domain '" + d.name() + "'", call);
}

// A call whose failure virsh reports in libvirt's words alone, with no "Failed to …" line
// before them (domrename, setvcpus, metadata).
template <class Call>
auto inLibvirtWords(const Domain& d, Call&& call) {
    try {
        return call();
    } catch (const Error& e) {
        throw Error(e.code(), libvirtWords(e, "domain '" + d.name() + "'"));
    }
}

inline bool flag(const po::variables_map& args, const char* name) {
    return args.count(name) > 0;
}

// virsh's --config/--live/--current (and --persistent = live + config where virsh has it).
inline void declareImpact(po::options_description& opts, bool withPersistent = false) {
    opts.add_options()("config", "affect next boot")("live", "affect running domain")(
        "current", "affect current domain");
    if (withPersistent) opts.add_options()("persistent", "make live change persistent");
}
inline Impact impactOf(const po::variables_map& args) {
    bool both = args.count("persistent") > 0;
    Impact i{flag(args, "live") || both, flag(args, "config") || both};
    if (flag(args, "current") && (i.live || i.config))
        throw Error(ErrorCode::InvalidArg, std::string("Options --current and --") +
                                               (i.live ? "live" : "config") +
                                               " are mutually exclusive");
    return i;
}

// A value for a single-quoted XML attribute (the XML attach-interface and attach-disk build).
inline std::string escapeAttr(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\'')
            out += "&apos;";
        else if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else
            out += c;
    }
    return out;
}

}  // namespace cvirt::shell
