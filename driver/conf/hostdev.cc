// PLACEHOLDER: replaced by the real implementation.
#include "conf/sections.h"
#include "conf/domain.h"
#include "conf/schema.h"
#include "cvirt/error.h"

namespace cvirt::conf {
namespace detail {
Hostdev parseHostdev(const XmlContext&, pugi::xml_node) { throw Error(ErrorCode::Internal, "not implemented"); }
void formatHostdev(const Hostdev&, pugi::xml_node) { throw Error(ErrorCode::Internal, "not implemented"); }
}
}  // namespace cvirt::conf
