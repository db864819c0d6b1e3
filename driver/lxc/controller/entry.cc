// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/controller/entry.h"

#include "controller/program.h"
#include "lxc/controller/controller.h"

namespace cvirt::lxc {

int controllerMain(int argc, char** argv) {
    return controller::programMain(
        argc, argv, state::DriverKind::Lxc, "cvirt-lxc-controller",
        [](controller::ProgramArgs& args, const std::function<void()>& ready) {
            Controller controller(
                {.paths = args.paths, .root = args.root, .id = args.id, .config = args.config},
                std::move(args.def));
            controller.start();
            ready();
            return controller.run(std::move(args.autodestroy));
        });
}

}  // namespace cvirt::lxc
