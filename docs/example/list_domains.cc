// SPDX-License-Identifier: GPL-3.0-or-later
// List the domains of a connection URI through libcvirt (docs/LIBRARY.md). Build and run:
//   c++ -std=c++20 list_domains.cc $(pkg-config --cflags --libs cvirt) -o list-domains
//   ./list-domains 'lxc:///embed?root=/tmp/r'
#include <cvirt/connection.h>

#include <iostream>

int main(int argc, char** argv) {
    try {
        cvirt::Connection conn = cvirt::Connection::open(argc > 1 ? argv[1] : "");
        for (const cvirt::DomainSummary& d : conn.list({.active = true, .inactive = true})) {
            std::string id = d.id ? std::to_string(*d.id) : "-";
            std::cout << id << ' ' << d.name << ' ' << cvirt::stateName(d.state) << '\n';
        }
    } catch (const cvirt::Error& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
}
