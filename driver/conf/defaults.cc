// PLACEHOLDER: replaced by the real implementation.
#include "conf/sections.h"
#include "conf/domain.h"
#include "conf/schema.h"
#include "cvirt/error.h"

namespace cvirt::conf {
void applyDefaults(DomainDef&) { throw Error(ErrorCode::Internal, "not implemented"); }
}  // namespace cvirt::conf
