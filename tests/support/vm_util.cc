// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/vm_util.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "support/test_util.h"

namespace cvirt::testenv {

namespace fs = std::filesystem;

std::string guestKernel() {
    std::vector<fs::path> kernels;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/boot", ec))
        if (e.path().filename().string().rfind("vmlinuz-", 0) == 0) kernels.push_back(e.path());
    if (kernels.empty()) return {};
    std::sort(kernels.begin(), kernels.end());
    return kernels.back().string();
}

std::string guestInitrd() {
    return CVIRT_TEST_GUEST_INITRD;
}

std::optional<std::string> missingForVms() {
    if (std::getenv("CVIRT_VM_LANE"))
        return "runs on the host lane only: the cgroup v2 test VM is emulated (TCG) and has no "
               "KVM to nest, so a VM inside it would be emulated twice over";
    if (::geteuid() != 0) return "needs root (tap devices)";
    if (::access("/usr/bin/qemu-system-x86_64", X_OK) != 0)
        return "needs /usr/bin/qemu-system-x86_64 (apt-get install qemu-system-x86)";
    std::string k = guestKernel();
    if (k.empty()) return "needs a kernel in /boot (apt-get install linux-image-amd64)";
    if (::access(k.c_str(), R_OK) != 0) return "cannot read " + k;
    if (!fs::exists(guestInitrd())) return "needs the test initramfs at " + guestInitrd();
    return std::nullopt;
}

std::string vmXml(const std::string& name, const VmOptions& o) {
    return "<domain type='" + o.type + "'><name>" + name + "</name><memory unit='MiB'>" +
           std::to_string(o.memoryMiB) + "</memory>" + o.vcpu +
           "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" +
           (o.kernel.empty() ? guestKernel() : o.kernel) + "</kernel><initrd>" + guestInitrd() +
           "</initrd><cmdline>console=ttyS0 quiet panic=-1</cmdline></os>"
           "<features><acpi/><apic/></features>" +
           o.extra +
           "<devices><serial type='pty'><target port='0'/></serial>"
           "<console type='pty'><target type='serial' port='0'/></console>" +
           o.devices + "</devices></domain>";
}

bool GuestConsole::waitFor(const std::string& text, int timeoutMs) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (seen_.find(text) == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        end - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) return false;
        pollfd p{fd_.get(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
        char buf[4096];
        ssize_t n = ::read(fd_.get(), buf, sizeof buf);
        if (n <= 0) return false;
        seen_.append(buf, static_cast<size_t>(n));
    }
    return true;
}

void GuestConsole::send(const std::string& text) {
    [[maybe_unused]] ssize_t n = ::write(fd_.get(), text.data(), text.size());
}

bool GuestConsole::run(const std::string& command, const std::string& expect, int timeoutMs) {
    clear();
    send(command + "\r");
    return waitFor(expect, timeoutMs);
}

}  // namespace cvirt::testenv
