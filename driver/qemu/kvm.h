// Whether this host can run type='kvm' domains.
#pragma once

#include <optional>
#include <string>

namespace cvirt::qemu {

// nullopt when /dev/kvm opens, speaks API version 12 and creates a VM; else why not.
std::optional<std::string> kvmUnusable();

}  // namespace cvirt::qemu
