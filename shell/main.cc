// SPDX-License-Identifier: GPL-3.0-or-later
// cvirsh: one-shot (`cvirsh [OPTIONS] CMD ARGS…`, ';' separates several) or interactive.
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "cvirt/connection.h"
#include "cvirt/controller_spawn.h"
#include "engine/dispatch.h"
#include "engine/global_options.h"
#include "engine/interactive.h"
#include "engine/session.h"

using namespace cvirt;

namespace {

// As virsh -h prints it: "    -c | --connect=URI      hypervisor connection URI".
void usage(std::ostream& out) {
    out << "\ncvirsh [options]... [<command_string>]\n"
           "cvirsh [options]... <command> [args...]\n\n"
           "  options:\n";
    for (const auto& o : shell::globalOptionTable().options()) {
        std::string flag = o->canonical_display_name(
                               boost::program_options::command_line_style::allow_dash_for_short) +
                           " | --" + o->long_name();
        if (o->semantic()->min_tokens() > 0)
            flag += "=" + o->semantic()->name();
        else if (o->semantic()->max_tokens() > 0)
            flag += "[=short|long]";
        out << "    " << std::left << std::setw(23) << flag << " " << o->description() << "\n";
    }
    out << "\n  commands (non interactive mode):\n"
           "    see 'cvirsh help'\n\n";
}

}  // namespace

int main(int argc, char** argv) {
    // One thread, and gone once its commands are done: a container's controller is forked
    // from it without exec (cvirt/controller_spawn.h).
    forkControllersInProcess();
    shell::GlobalOptions opts;
    try {
        opts = shell::parseGlobalOptions({argv + 1, argv + argc}, std::cerr);
    } catch (const Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    if (opts.help) {
        usage(std::cout);
        return 0;
    }
    if (opts.version) {
        if (*opts.version == "long")
            std::cout << "cvirsh command line tool of cvirt " << version() << "\n\n";
        else
            std::cout << version() << "\n";
        return 0;
    }
    shell::Session session(opts.uri.empty() ? Connection::defaultUri() : opts.uri, std::cout,
                           std::cerr);
    session.quiet = opts.quiet;
    session.readonly = opts.readonly;
    session.timing = opts.timing;
    session.escape = opts.escape;
    try {
        if (opts.debugLevel >= 0 || !opts.logFile.empty())
            session.openLog(opts.logFile, opts.debugLevel);
    } catch (const Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    int rc;
    if (opts.command.empty())
        rc = shell::runInteractive(session);
    else if (opts.command.size() == 1)
        rc = shell::runLine(session, opts.command.front());  // "list; dominfo x"
    else
        rc = shell::runCommand(session, opts.command);
    return rc;  // the connection closes with the session: --autodestroy domains go with it
}
