// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-qemu-controller: the controller of one VM (see controller.h), started detached by the
// driver with the domain XML on stdin.
#include "controller/program.h"
#include "qemu/controller/controller.h"

using namespace cvirt;

int main(int argc, char** argv) {
    return controller::programMain(
        argc, argv, state::DriverKind::Qemu, "cvirt-qemu-controller",
        [](controller::ProgramArgs& args, const std::function<void()>& ready) {
            qemu::Controller controller({.paths = args.paths,
                                         .root = args.root,
                                         .id = args.id,
                                         .config = args.config,
                                         .logPath = args.logPath},
                                        std::move(args.def));
            controller.start();
            ready();
            return controller.run(std::move(args.autodestroy));
        });
}
