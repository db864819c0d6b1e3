// SPDX-License-Identifier: GPL-3.0-or-later
// Integration-test helpers for VMs: prerequisites, the domain XML of the test VM (Debian's
// kernel and the busybox initramfs the build makes), and a console a test can talk through.
#pragma once

#include <optional>
#include <string>

#include "util/fd.h"

namespace cvirt::testenv {

// "needs qemu-system-x86_64 …", "needs a kernel in /boot …", … or nullopt.
std::optional<std::string> missingForVms();
std::string guestKernel();  // the newest /boot/vmlinuz-*
std::string guestInitrd();  // build/rootfs/guest-initrd.img

struct VmOptions {
    std::string type = "qemu";
    unsigned memoryMiB = 128;
    std::string vcpu = "<vcpu>1</vcpu>";
    std::string devices;  // inside <devices>, after the serial console
    std::string extra;    // inside <domain>, after <os> and <features><acpi/><apic/></features>
    std::string kernel;   // default guestKernel()
};
std::string vmXml(const std::string& name, const VmOptions& opts = {});

// A console stream (Domain::openConsole) with what it printed so far.
class GuestConsole {
public:
    explicit GuestConsole(int fd) : fd_(fd) {}
    // Reads until `text` appeared (since the last clear) or `timeoutMs` passed.
    bool waitFor(const std::string& text, int timeoutMs);
    void send(const std::string& text);
    // Sends `command` and waits for `expect` in its output.
    bool run(const std::string& command, const std::string& expect, int timeoutMs);
    const std::string& seen() const { return seen_; }
    void clear() { seen_.clear(); }

private:
    util::Fd fd_;
    std::string seen_;
};

}  // namespace cvirt::testenv
