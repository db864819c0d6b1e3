// PLACEHOLDER: replaced by the real implementation.
#include "conf/sections.h"
#include "conf/domain.h"
#include "conf/schema.h"
#include "cvirt/error.h"

namespace cvirt::conf {
void validate(const DomainDef&, std::string_view) { throw Error(ErrorCode::Internal, "not implemented"); }
}  // namespace cvirt::conf
