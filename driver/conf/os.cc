// PLACEHOLDER: replaced by the real implementation.
#include "conf/sections.h"
#include "conf/domain.h"
#include "conf/schema.h"
#include "cvirt/error.h"

namespace cvirt::conf {
const std::vector<std::string> kCapabilityNames;
namespace detail {
void parseOs(const XmlContext&, pugi::xml_node, DomainDef&) { throw Error(ErrorCode::Internal, "not implemented"); }
void formatOs(const DomainDef&, pugi::xml_node) { throw Error(ErrorCode::Internal, "not implemented"); }
}
}  // namespace cvirt::conf
