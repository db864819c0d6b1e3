// PLACEHOLDER: replaced by the real implementation.
#include "conf/sections.h"
#include "conf/domain.h"
#include "conf/schema.h"
#include "cvirt/error.h"

namespace cvirt::conf {
namespace detail {
void parseGeneral(const XmlContext&, pugi::xml_node, DomainDef&) { throw Error(ErrorCode::Internal, "not implemented"); }
void formatGeneral(const DomainDef&, pugi::xml_node) { throw Error(ErrorCode::Internal, "not implemented"); }
}
}  // namespace cvirt::conf
