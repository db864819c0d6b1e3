// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-lxc-controller: the controller of one container (see controller.h), started detached
// by the driver with the domain XML on stdin; reports "ok" on the ready fd once init runs.
#include "controller/program.h"
#include "lxc/controller/controller.h"

using namespace cvirt;

int main(int argc, char** argv) {
    return controller::programMain(
        argc, argv, state::DriverKind::Lxc, "cvirt-lxc-controller",
        [](controller::ProgramArgs& args, const std::function<void()>& ready) {
            lxc::Controller controller(
                {.paths = args.paths, .root = args.root, .id = args.id, .config = args.config},
                std::move(args.def));
            controller.start();
            ready();
            return controller.run(std::move(args.autodestroy));
        });
}
