// cvirt-qemu-controller: the supervisor of one VM (see controller.h), started detached by the
// driver with the domain XML on stdin.
#include "qemu/controller/controller.h"
#include "supervisor/program.h"

using namespace cvirt;

int main(int argc, char** argv) {
    return supervisor::programMain(
        argc, argv, state::DriverKind::Qemu, "cvirt-qemu-controller",
        [](supervisor::ProgramArgs& args, const std::function<void()>& ready) {
            qemu::Controller controller({.paths = args.paths,
                                         .root = args.root,
                                         .id = args.id,
                                         .config = args.config,
                                         .logPath = args.logPath},
                                        std::move(args.def));
            controller.start();
            ready();
            return controller.run();
        });
}
