// Helper programs: where cvirt's own live, and running one with input and captured output.
#pragma once

#include <string>
#include <vector>

namespace cvirt::util {

// `name` next to the running binary, in the build tree or in libexec; $ENV_VAR overrides.
// Throws naming the variable when none is found.
std::string helperPath(const std::string& name, const char* envVar);

struct ProcessResult {
    int status = -1;  // exit code; 128 + signal when killed
    std::string out, err;
};
// Runs argv (argv[0] a path or a name found on $PATH) with `input` on stdin; waits.
ProcessResult runProcess(const std::vector<std::string>& argv, const std::string& input = {});

}  // namespace cvirt::util
