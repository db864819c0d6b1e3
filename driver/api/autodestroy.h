// SPDX-License-Identifier: GPL-3.0-or-later
// libvirt's VIR_DOMAIN_START_AUTODESTROY: the domains a connection started so are destroyed
// when that connection is closed (its last Connection and Domain object gone), or when its
// process dies, however it dies (SIGKILL included).
//
// One pipe per connection. Each such domain's controller holds a copy of the read end (given
// at spawn: controller/client.h) and destroys the domain once the pipe hangs up, which is
// when the last write end closes: this object's, close-on-exec, so it lives in this process
// alone and the kernel closes it however the process ends.
#pragma once

#include <sys/types.h>

#include <mutex>
#include <vector>

#include "util/fd.h"
#include "util/process_ref.h"

namespace cvirt {

class Autodestroy {
public:
    Autodestroy() = default;
    Autodestroy(const Autodestroy&) = delete;
    Autodestroy& operator=(const Autodestroy&) = delete;
    // Closes the pipe, then waits (bounded) until the controllers of the domains started
    // through watchFd() have destroyed them, so a closed connection has no such domain
    // running, as libvirt's close. In a forked child it only closes its copies.
    ~Autodestroy();

    // The read end to give the next autodestroy domain's controller (the pipe is made on
    // first use); valid while this object lives. Throws when the pipe cannot be made.
    int watchFd();
    // That domain runs under `controller`: the close waits for it.
    void started(const util::ProcessRef& controller);

private:
    std::mutex mutex_;
    util::Fd read_, write_;
    pid_t owner_ = 0;  // the process that made the pipe
    std::vector<util::ProcessRef> controllers_;
};

}  // namespace cvirt
