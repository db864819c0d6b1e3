#include "qemu/kvm.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include "util/fd.h"

namespace cvirt::qemu {

std::optional<std::string> kvmUnusable() {
    util::Fd kvm(::open("/dev/kvm", O_RDWR | O_CLOEXEC));
    if (!kvm) return "cannot open /dev/kvm: " + std::string(std::strerror(errno));
    int version = ::ioctl(kvm.get(), KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION)
        return "/dev/kvm speaks API version " + std::to_string(version) + ", not " +
               std::to_string(KVM_API_VERSION);
    util::Fd vm(::ioctl(kvm.get(), KVM_CREATE_VM, 0));
    if (!vm) return "/dev/kvm cannot create a VM: " + std::string(std::strerror(errno));
    return std::nullopt;
}

}  // namespace cvirt::qemu
