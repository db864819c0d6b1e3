// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/grammar.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <typeinfo>

#include "cvirt/error.h"

namespace cvirt::shell {

std::vector<std::string> positionalNames(const po::positional_options_description& pos) {
    std::vector<std::string> names;
    unsigned count = pos.max_total_count();
    if (count == std::numeric_limits<unsigned>::max()) count = 64;  // the last one repeats
    for (unsigned i = 0; i < count; ++i) {
        const std::string& n = pos.name_for_position(i);
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    }
    return names;
}

bool takesArgv(const po::positional_options_description& pos) {
    return pos.max_total_count() == std::numeric_limits<unsigned>::max();
}

namespace {

Error syntaxError(std::string message) {
    return Error(ErrorCode::InvalidArg, std::move(message));
}

// Converts the words given to each option with the option's own semantic (string, int,
// list), then adds the defaults, as po::store would.
po::variables_map toVariables(const po::options_description& opts,
                              const std::map<std::string, std::vector<std::string>>& given) {
    po::variables_map vm;
    for (const auto& o : opts.options()) {
        const std::string& name = o->long_name();
        boost::any value;
        auto it = given.find(name);
        if (it != given.end()) {
            try {
                o->semantic()->parse(value, it->second, true);
            } catch (const po::invalid_option_value&) {
                throw syntaxError("Numeric value '" + it->second.back() + "' for <" + name +
                                  "> option is malformed or out of range");
            } catch (const po::error& e) {
                throw syntaxError("option --" + name + ": " + e.what());
            }
            vm.insert({name, po::variable_value(value, false)});
        } else if (o->semantic()->apply_default(value)) {
            vm.insert({name, po::variable_value(value, true)});
        }
    }
    return vm;
}

}  // namespace

ParsedCommand parseCommand(const Command& cmd, const std::vector<std::string>& words) {
    po::options_description opts;
    po::positional_options_description pos;
    cmd.declare(opts, pos);
    const std::string name(cmd.name);
    std::vector<std::string> data = positionalNames(pos);  // still to be filled, in order
    const bool argv = takesArgv(pos);
    const std::string argvName = argv && !data.empty() ? data.back() : std::string();

    std::map<std::string, std::vector<std::string>> given;
    auto fill = [&](const std::string& opt, const std::string& value) {
        given[opt].push_back(value);
        if (opt != argvName) std::erase(data, opt);
    };
    bool dataOnly = false;
    ParsedCommand parsed;
    for (size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (!dataOnly && w == "--") {
            dataOnly = true;
            continue;
        }
        if (dataOnly || w.size() < 3 || w.compare(0, 2, "--") != 0) {
            if (data.empty()) throw syntaxError("unexpected data '" + w + "'");
            fill(data.front(), w);
            continue;
        }
        std::string opt = w.substr(2);
        std::optional<std::string> inlineValue;
        if (auto eq = opt.find('='); eq != std::string::npos) {
            inlineValue = opt.substr(eq + 1);
            opt.resize(eq);
        }
        if (opt == "help") {
            parsed.help = true;
            return parsed;
        }
        const po::option_description* d = opts.find_nothrow(opt, false, false, false);
        if (!d) throw syntaxError("command '" + name + "' doesn't support option --" + opt);
        const auto* typed = dynamic_cast<const po::typed_value_base*>(d->semantic().get());
        const bool list = typed && typed->value_type() == typeid(std::vector<std::string>);
        if (given.count(opt) && !list) throw syntaxError("option --" + opt + " already seen");
        if (d->semantic()->max_tokens() == 0) {
            if (inlineValue) throw syntaxError("invalid '=' after option --" + opt);
            given[opt];
            std::erase(data, opt);
            continue;
        }
        if (!inlineValue) {
            if (i + 1 >= words.size()) throw syntaxError("expected syntax: --" + opt + " <string>");
            inlineValue = words[++i];
        }
        fill(opt, *inlineValue);
    }
    const std::vector<std::string> positional = positionalNames(pos);
    for (const auto& o : opts.options()) {
        if (!o->semantic()->is_required() || given.count(o->long_name())) continue;
        bool isData =
            std::find(positional.begin(), positional.end(), o->long_name()) != positional.end();
        throw syntaxError("command '" + name + "' requires " +
                          (isData ? "<" + o->long_name() + ">" : "--" + o->long_name()) +
                          " option");
    }
    parsed.args = toVariables(opts, given);
    return parsed;
}

}  // namespace cvirt::shell
