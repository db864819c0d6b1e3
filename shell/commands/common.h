// Pieces shared by command files: the <domain> argument and the lookup that goes with it.
#pragma once

#include "engine/command.h"
#include "engine/session.h"

namespace cvirt::shell {

inline void declareDomain(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("domain", po::value<std::string>()->required(), "domain name, id or uuid");
    pos.add("domain", 1);
}

inline Domain lookupDomain(Session& s, const po::variables_map& args) {
    return s.connection().lookup(args["domain"].as<std::string>());
}

inline bool flag(const po::variables_map& args, const char* name) {
    return args.count(name) > 0;
}

}  // namespace cvirt::shell
