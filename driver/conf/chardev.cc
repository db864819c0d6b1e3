// PLACEHOLDER: replaced by the real implementation.
#include "conf/sections.h"
#include "conf/domain.h"
#include "conf/schema.h"
#include "cvirt/error.h"

namespace cvirt::conf {
namespace detail {
CharDevice parseCharDevice(const XmlContext&, pugi::xml_node) { throw Error(ErrorCode::Internal, "not implemented"); }
void formatCharDevice(const CharDevice&, pugi::xml_node) { throw Error(ErrorCode::Internal, "not implemented"); }
}
}  // namespace cvirt::conf
