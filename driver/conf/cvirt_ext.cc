// cvirt's XML extensions in their own namespace (kCvirtNamespaceUri):
//   <cvirt:resources><cvirt:pids max='N'/></cvirt:resources>
#include "conf/domain.h"
#include "conf/sections.h"

namespace cvirt::conf::detail {

void parseCvirtExtensions(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def) {
    auto prefix = namespacePrefix(domain, kCvirtNamespaceUri);
    if (!prefix) return;
    pugi::xml_node res = domain.child((*prefix + ":resources").c_str());
    if (!res) return;
    if (pugi::xml_node pids = res.child((*prefix + ":pids").c_str())) {
        auto max = attrOf(pids, "max");
        if (!max) ctx.fail(pids, "missing attribute 'max'");
        def.cvirtResources.pidsMax = parseU64(ctx, pids, *max, "pids max");
        if (*def.cvirtResources.pidsMax == 0) ctx.fail(pids, "pids max must be at least 1");
    }
}

void formatCvirtExtensions(const DomainDef& def, pugi::xml_node domain) {
    if (def.cvirtResources.empty()) return;
    pugi::xml_node res = domain.append_child("cvirt:resources");
    if (def.cvirtResources.pidsMax)
        setAttr(res.append_child("cvirt:pids"), "max", std::to_string(*def.cvirtResources.pidsMax));
}

}  // namespace cvirt::conf::detail
