// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/install_dir.h"

#include <dlfcn.h>

namespace cvirt::util {

namespace fs = std::filesystem;

std::vector<fs::path> installPrefixes() {
    std::vector<fs::path> prefixes;
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) prefixes.push_back(self.parent_path().parent_path());
    // The object this function is in: the program itself when linked statically, else
    // libcvirt.so (PREFIX/lib or PREFIX/lib/<multiarch>).
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void*>(&installPrefixes), &info) == 0 || !info.dli_fname ||
        info.dli_fname[0] != '/')
        return prefixes;
    fs::path object = fs::weakly_canonical(info.dli_fname, ec);
    if (ec || object == self) return prefixes;
    for (fs::path dir = object.parent_path(); dir.has_relative_path(); dir = dir.parent_path())
        if (dir.filename() == "lib" || dir.filename() == "lib64") {
            prefixes.push_back(dir.parent_path());
            break;
        }
    return prefixes;
}

}  // namespace cvirt::util
