// cvirt-bench-populate URI COUNT [PREFIX]: defines COUNT generated lxc domains through the
// API (setup for the list benchmark); prints the mean define time.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cvirt/connection.h"

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: cvirt-bench-populate URI COUNT [PREFIX]\n");
        return 2;
    }
    cvirt::Connection conn = cvirt::Connection::open(argv[1]);
    int count = std::atoi(argv[2]);
    std::string prefix = argc > 3 ? argv[3] : "bench";
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < count; ++i) {
        std::string name = prefix + std::to_string(i);
        conn.define("<domain type='lxc'><name>" + name + "</name><title>bench " + name +
                        "</title><memory unit='MiB'>64</memory><os><type>exe</type><init>/bin/sh"
                        "</init></os><devices><filesystem type='mount'><source dir='/srv/" +
                        name + "'/><target dir='/'/></filesystem></devices></domain>",
                    name + ".xml");
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("defined %d domains in %.2f s (%.2f ms each, in one process)\n", count, s,
                1000 * s / count);
    return 0;
}
