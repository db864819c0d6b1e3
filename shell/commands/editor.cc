// SPDX-License-Identifier: GPL-3.0-or-later
#include "commands/editor.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cvirt/error.h"
#include "engine/file.h"

namespace cvirt::shell {

namespace {

void runEditor(const std::string& path) {
    const char* editor = std::getenv("VISUAL");
    if (!editor || !*editor) editor = std::getenv("EDITOR");
    if (!editor || !*editor) editor = "vi";
    std::string cmd = std::string(editor) + " '" + path + "'";
    int st = std::system(cmd.c_str());
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        throw Error(ErrorCode::OperationFailed, "editor '" + std::string(editor) + "' failed");
}

}  // namespace

namespace {

// A temporary file holding `text`, removed with the object.
class TempFile {
public:
    TempFile(const std::string& text, const char* suffix)
        : path_(std::string("/tmp/cvirsh-edit-XXXXXX") + suffix) {
        int fd = ::mkstemps(path_.data(), static_cast<int>(std::string_view(suffix).size()));
        if (fd < 0) throwSystemError(errno, "cannot create a temporary file");
        ::close(fd);
        writeFile(path_, text);
    }
    ~TempFile() { ::unlink(path_.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace

std::string editText(const std::string& text, const char* suffix) {
    TempFile tmp(text, suffix);
    runEditor(tmp.path());
    return readFile(tmp.path());
}

bool editUntilApplied(Session& s, const std::string& text, const char* suffix,
                      const std::function<void(const std::string&, const std::string&)>& apply,
                      const std::string& abandoned) {
    TempFile tmp(text, suffix);
    for (;;) {
        runEditor(tmp.path());
        std::string edited = readFile(tmp.path());
        if (edited == text) return false;
        try {
            apply(edited, tmp.path());
            return true;
        } catch (const Error& e) {
            s.err() << "error: " << e.what() << "\n";
        }
        for (;;) {
            s.out() << "Failed. Try again? [y,n,?]:";
            s.out().flush();
            std::string answer;
            if (!std::getline(std::cin, answer)) answer = "n";
            if (answer == "y") break;
            if (answer == "n") throw Error(ErrorCode::OperationFailed, abandoned);
            s.out() << "y - yes, start editor again\n"
                       "n - no, throw away my changes\n"
                       "? - print this help\n";
        }
    }
}

}  // namespace cvirt::shell
