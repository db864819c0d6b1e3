// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-lxc-controller: the controller of one container (see controller.h), started detached
// by the driver with the domain XML on stdin; reports "ok" on the ready fd once init runs.
#include "lxc/controller/entry.h"

int main(int argc, char** argv) {
    return cvirt::lxc::controllerMain(argc, argv);
}
