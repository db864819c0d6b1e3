// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/global_options.h"

#include <charconv>
#include <ostream>

#include "cvirt/error.h"

namespace cvirt::shell {

namespace po = boost::program_options;

const po::options_description& globalOptionTable() {
    static const po::options_description table = [] {
        po::options_description t("options");
        t.add_options()("connect,c", po::value<std::string>()->value_name("URI"),
                        "hypervisor connection URI")(
            "debug,d", po::value<std::string>()->value_name("NUM"),
            "debug level [0-4]: messages at that level and above go to stderr, or to the -l "
            "file")("escape,e", po::value<std::string>()->value_name("STRING"),
                    "set escape sequence for console")("help,h", "this help")(
            "keepalive-interval,k", po::value<std::string>()->value_name("NUM"),
            "keepalive interval in seconds, 0 for disable (accepted; cvirt connections are "
            "local)")("keepalive-count,K", po::value<std::string>()->value_name("NUM"),
                      "number of possible missed keepalive messages (accepted)")(
            "log,l", po::value<std::string>()->value_name("FILE"), "output logging to file")(
            "quiet,q", "quiet mode: no informational messages, no table headers")(
            "readonly,r", "connect readonly: every command that changes something is refused")(
            "timing,t", "print timing information")(
            "version,v", po::value<std::string>()->implicit_value("short")->value_name("short"),
            "program version")("long-version,V", "long program version");
        return t;
    }();
    return table;
}

namespace {

Error bad(std::string message) {
    return Error(ErrorCode::InvalidArg, std::move(message));
}

// Where the options end: the first word that is neither an option nor an option's value.
// Returns the index of the first command word; `dashes` says a `--` ended the options.
size_t optionsEnd(const std::vector<std::string>& args, bool& dashes) {
    const po::options_description& table = globalOptionTable();
    auto needsValue = [&](const std::string& name) {
        const po::option_description* d = table.find_nothrow(name, false, false, false);
        return d && d->semantic()->min_tokens() > 0;
    };
    dashes = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            dashes = true;
            return i;
        }
        if (a.size() < 2 || a[0] != '-') return i;
        if (a[1] == '-') {
            if (a.find('=') == std::string::npos && needsValue(a.substr(2))) ++i;
            continue;
        }
        for (size_t j = 1; j < a.size(); ++j) {  // -qt, -cURI, -qc URI
            if (!needsValue(std::string("-") + a[j])) continue;
            if (j + 1 == a.size()) ++i;
            break;
        }
    }
    return args.size();
}

bool parseInt(const std::string& text, int& value) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}

// -e: one character, or ^X for a control character (virsh's vshAllowedEscapeChar).
char escapeChar(const std::string& s) {
    if (s.size() == 1 && s[0] != '^') return s[0];
    if (s.size() == 2 && s[0] == '^' && ((s[1] >= '@' && s[1] <= '_') || s[1] == '?'))
        return s[1] == '?' ? 0x7f : static_cast<char>(s[1] & 0x1f);
    throw bad("Invalid string '" + s + "' for escape sequence");
}

}  // namespace

GlobalOptions parseGlobalOptions(const std::vector<std::string>& args, std::ostream& warn) {
    bool dashes = false;
    size_t end = optionsEnd(args, dashes);
    po::variables_map vm;
    try {
        po::store(
            po::command_line_parser(std::vector<std::string>(args.begin(), args.begin() + end))
                .options(globalOptionTable())
                .style(po::command_line_style::unix_style & ~po::command_line_style::allow_guessing)
                .run(),
            vm);
    } catch (const po::unknown_option& e) {
        throw bad("unsupported option '" + e.get_option_name() + "'. See --help.");
    } catch (const po::error& e) {
        throw bad(e.what());
    }
    GlobalOptions g;
    g.command.assign(args.begin() + end + (dashes ? 1 : 0), args.end());
    auto text = [&](const char* name) { return vm[name].as<std::string>(); };
    if (vm.count("connect")) g.uri = text("connect");
    g.quiet = vm.count("quiet");
    g.readonly = vm.count("readonly");
    g.timing = vm.count("timing");
    g.help = vm.count("help");
    if (vm.count("debug")) {
        int level = 0;
        if (!parseInt(text("debug"), level)) throw bad("option -d takes a numeric argument");
        if (level < 0 || level > 4)
            warn << "error: ignoring debug level " << level << " out of range [0-4]\n";
        else
            g.debugLevel = level;
    }
    if (vm.count("log")) g.logFile = text("log");
    if (vm.count("escape")) g.escape = escapeChar(text("escape"));
    for (const char* k : {"keepalive-interval", "keepalive-count"}) {
        if (!vm.count(k)) continue;
        std::string opt = k == std::string("keepalive-interval") ? "-k" : "-K";
        int n = 0;
        if (!parseInt(text(k), n)) throw bad("Invalid value for option " + opt);
        if (n < 0) throw bad("option " + opt + " requires a positive integer argument");
    }
    if (vm.count("version")) g.version = text("version");
    if (vm.count("long-version")) g.version = "long";
    if (g.version && *g.version != "short" && *g.version != "long")
        throw bad("unsupported option '--version=" + *g.version + "'. See --help.");
    return g;
}

}  // namespace cvirt::shell
