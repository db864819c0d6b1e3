// cvirsh: one-shot (`cvirsh [-c URI] CMD ARGS…`, ';' separates several) or interactive.
#include <iostream>
#include <string>
#include <vector>

#include "cvirt/connection.h"
#include "engine/dispatch.h"
#include "engine/interactive.h"
#include "engine/session.h"

using namespace cvirt;

namespace {

void usage(std::ostream& out) {
    out << "\ncvirsh [options]... [<command_string>]\n"
           "cvirsh [options]... <command> [args...]\n\n"
           "  options:\n"
           "    -c | --connect=URI      hypervisor connection URI\n"
           "    -h | --help             this help\n"
           "    -q | --quiet            quiet mode\n"
           "    -v | --version          program version\n\n"
           "  commands (non interactive mode):\n"
           "    see 'cvirsh help'\n\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::string uri;
    bool quiet = false;
    int i = 1;
    for (; i < argc; ++i) {
        std::string a = argv[i];
        if ((a == "-c" || a == "--connect") && i + 1 < argc) {
            uri = argv[++i];
        } else if (a.rfind("--connect=", 0) == 0) {
            uri = a.substr(10);
        } else if (a == "-q" || a == "--quiet") {
            quiet = true;
        } else if (a == "-v" || a == "--version") {
            std::cout << version() << "\n";
            return 0;
        } else if (a == "-h" || a == "--help") {
            usage(std::cout);
            return 0;
        } else if (a == "--") {
            ++i;
            break;
        } else if (!a.empty() && a[0] == '-') {
            std::cerr << "error: unsupported option '" << a << "'. See --help.\n";
            return 1;
        } else {
            break;
        }
    }
    shell::Session session(uri.empty() ? Connection::defaultUri() : uri, std::cout, std::cerr);
    session.quiet = quiet;
    int rc;
    if (i >= argc) {
        rc = shell::runInteractive(session);
    } else if (argc - i == 1) {
        rc = shell::runLine(session, argv[i]);  // "list; dominfo x"
    } else {
        std::vector<std::string> args(argv + i, argv + argc);
        rc = shell::runCommand(session, args);
    }
    session.destroyAutodestroyed();
    return rc;
}
