#include "state/runtime_state.h"

#include <charconv>

#include "state/config_store.h"
#include "util/file.h"

namespace cvirt::state {

namespace fs = std::filesystem;

std::vector<std::string> RuntimeState::runningNames() const {
    return listNames(paths_.runDir, ".xml");
}

std::optional<std::string> RuntimeState::liveXml(std::string_view name) const {
    return util::readFileIfExists(paths_.runDir / (std::string(name) + ".xml"));
}

std::optional<LiveDomain> RuntimeState::find(std::string_view name) const {
    auto xml = liveXml(name);
    if (!xml) return std::nullopt;
    LiveDomain live;
    live.name = std::string(name);
    // The live XML starts "<domain type='…' id='N'"; read the id without a full parse.
    if (size_t p = xml->find("id='"); p != std::string::npos && p < 200) {
        const char* b = xml->data() + p + 4;
        std::from_chars(b, xml->data() + xml->size(), live.id);
    }
    return live;
}

int RuntimeState::shutoffReason(std::string_view name) const {
    auto text = util::readFileIfExists(paths_.runDir / (std::string(name) + ".reason"));
    int reason = 0;
    if (text) std::from_chars(text->data(), text->data() + text->size(), reason);
    return reason;
}

void RuntimeState::setShutoffReason(std::string_view name, int reason) {
    util::makeDirs(paths_.runDir, 0755);
    util::writeFileAtomic(paths_.runDir / (std::string(name) + ".reason"),
                          std::to_string(reason) + "\n", 0644);
}

void RuntimeState::clear(std::string_view name) {
    util::removeFile(paths_.runDir / (std::string(name) + ".reason"));
}

}  // namespace cvirt::state
