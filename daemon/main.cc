// SPDX-License-Identifier: GPL-3.0-or-later
// cvirtd: serves one root's connections over libvirt's remote protocol, in the foreground.
//   cvirtd -c URI        e.g. cvirt:///system, or lxc:///embed?root=DIR
// Its sockets: RUN/libvirt-sock (read-write, root only) and RUN/libvirt-sock-ro, where RUN is
// /run/cvirt, or DIR/run/cvirt for an embed root. Clients: virsh -c
// 'lxc+unix:///system?socket=RUN/libvirt-sock'.
#include <boost/program_options.hpp>
#include <iostream>

#include "cvirt/connection.h"
#include "cvirt/error.h"
#include "server/server.h"

namespace po = boost::program_options;
using namespace cvirt;

int main(int argc, char** argv) {
    po::options_description opts("Usage: cvirtd [OPTION]...\n\nOptions");
    opts.add_options()("help,h", "print this help and exit")(
        "connect,c", po::value<std::string>(),
        "the connection URI to serve (default $CVIRT_DEFAULT_URI, else lxc:///system)")(
        "version,V", "print the version and exit");
    po::variables_map args;
    try {
        po::store(po::parse_command_line(argc, argv, opts), args);
    } catch (const po::error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    if (args.count("help")) {
        std::cout << opts
                  << "\nServes libvirt's remote protocol on RUN/libvirt-sock and "
                     "RUN/libvirt-sock-ro\n(RUN: /run/cvirt, or DIR/run/cvirt for "
                     "…:///embed?root=DIR) until SIGTERM.\n";
        return 0;
    }
    if (args.count("version")) {
        std::cout << version() << "\n";
        return 0;
    }
    try {
        server::Options o;
        o.uri =
            args.count("connect") ? args["connect"].as<std::string>() : Connection::defaultUri();
        Connection::open(o.uri);  // a URI that cannot be opened fails here, not per client
        o.runDir = server::runDirFor(o.uri);
        return server::serve(o);
    } catch (const Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
