#include "util/mount.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

#include "cvirt/error.h"
#include "util/fd.h"

namespace cvirt::util {

void mountFs(const std::string& source, const std::string& target, const char* fstype,
             unsigned long flags, const std::string& data) {
    if (::mount(source.c_str(), target.c_str(), fstype, flags,
                data.empty() ? nullptr : data.c_str()) < 0)
        throwSystemError(errno, "cannot mount " + std::string(fstype ? fstype : "") + " '" +
                                    source + "' on '" + target + "'");
}

void bindMount(const std::string& source, const std::string& target, bool recursive) {
    if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND | (recursive ? MS_REC : 0),
                nullptr) < 0)
        throwSystemError(errno, "cannot bind mount '" + source + "' on '" + target + "'");
}

void remountReadOnly(const std::string& target) {
    struct statvfs sv {};
    unsigned long keep = 0;
    if (::statvfs(target.c_str(), &sv) == 0) {
        if (sv.f_flag & ST_NOSUID) keep |= MS_NOSUID;
        if (sv.f_flag & ST_NODEV) keep |= MS_NODEV;
        if (sv.f_flag & ST_NOEXEC) keep |= MS_NOEXEC;
    }
    if (::mount("", target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, nullptr) < 0)
        throwSystemError(errno, "cannot make '" + target + "' read-only");
}

void makeDirsInRoot(const std::string& root, const std::string& relative) {
    std::string path = root;
    size_t i = 0;
    while (i < relative.size()) {
        while (i < relative.size() && relative[i] == '/')
            ++i;
        size_t j = relative.find('/', i);
        if (j == std::string::npos) j = relative.size();
        if (j == i) break;
        std::string part = relative.substr(i, j - i);
        i = j;
        if (part == ".") continue;
        if (part == "..")
            throw Error(ErrorCode::ConfigUnsupported,
                        "path '" + relative + "' leaves the container root");
        path += "/" + part;
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0) {
            if (S_ISLNK(st.st_mode))
                throw Error(ErrorCode::ConfigUnsupported, "mount target '" + relative +
                                                              "' goes through a symbolic link ('" +
                                                              path + "')");
            if (!S_ISDIR(st.st_mode) && i < relative.size())
                throw Error(ErrorCode::ConfigUnsupported, "'" + path + "' is not a directory");
            continue;
        }
        if (::mkdir(path.c_str(), 0755) < 0 && errno != EEXIST)
            throwSystemError(errno, "cannot create '" + path + "'");
    }
}

void touchFile(const std::string& path, unsigned mode) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode));
    if (!fd) throwSystemError(errno, "cannot create '" + path + "'");
}

}  // namespace cvirt::util
