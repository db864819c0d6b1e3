// PLACEHOLDER: replaced by the real implementation.
#include "conf/sections.h"
#include "conf/domain.h"
#include "conf/schema.h"
#include "cvirt/error.h"

namespace cvirt::conf {
void validateDomainSchema(std::string_view, std::string_view) { throw Error(ErrorCode::Internal, "not implemented"); }
std::filesystem::path schemaDir() { return CVIRT_BUILD_SCHEMA_DIR; }
}  // namespace cvirt::conf
