// SPDX-License-Identifier: GPL-3.0-or-later
// name, uuid, title, description, metadata.
#include <algorithm>
#include <sstream>

#include "conf/sections.h"
#include "cvirt/error.h"
#include "util/uuid.h"

namespace cvirt::conf::detail {

namespace {

// A <metadata> child carried verbatim: the namespace declarations it relies on from its
// ancestors are copied onto it, so the stored text is self-contained.
std::string serializeChild(pugi::xml_node child) {
    pugi::xml_document doc;
    pugi::xml_node copy = doc.append_copy(child);
    std::string name = child.name();
    std::vector<std::string> prefixes;
    if (size_t colon = name.find(':'); colon != std::string::npos)
        prefixes.push_back(name.substr(0, colon));
    for (pugi::xml_node n = child.parent(); n; n = n.parent()) {
        for (pugi::xml_attribute a : n.attributes()) {
            std::string an = a.name();
            bool isDecl = an == "xmlns" || an.rfind("xmlns:", 0) == 0;
            if (!isDecl || copy.attribute(an.c_str())) continue;
            std::string prefix = an == "xmlns" ? "" : an.substr(6);
            if (an == "xmlns" && name.find(':') != std::string::npos) continue;
            if (!prefix.empty() &&
                std::find(prefixes.begin(), prefixes.end(), prefix) == prefixes.end())
                continue;
            copy.prepend_attribute(an.c_str()).set_value(a.value());
        }
    }
    std::ostringstream out;
    copy.print(out, "", pugi::format_raw | pugi::format_attribute_single_quote);
    return out.str();
}

}  // namespace

void parseGeneral(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def) {
    pugi::xml_node name = domain.child("name");
    if (!name) ctx.fail(domain, "missing <name>");
    def.name = trimmed(name.text().get());
    if (pugi::xml_node uuid = domain.child("uuid")) {
        std::string text = trimmed(uuid.text().get());
        auto parsed = util::parseUuid(text);
        if (!parsed) ctx.fail(uuid, "invalid uuid '" + text + "'");
        def.uuid = *parsed;
    }
    if (pugi::xml_node t = domain.child("title")) def.title = t.text().get();
    if (pugi::xml_node d = domain.child("description")) def.description = d.text().get();
    if (pugi::xml_node m = domain.child("metadata")) {
        std::string text;
        for (pugi::xml_node c : m.children())
            if (c.type() == pugi::node_element) text += serializeChild(c);
        def.metadata = text;
    }
}

void formatGeneral(const DomainDef& def, pugi::xml_node domain) {
    appendText(domain, "name", def.name);
    if (def.uuid) appendText(domain, "uuid", util::formatUuid(*def.uuid));
    if (!def.title.empty()) appendText(domain, "title", def.title);
    if (!def.description.empty()) appendText(domain, "description", def.description);
    if (!def.metadata.empty()) {
        pugi::xml_node m = domain.append_child("metadata");
        pugi::xml_document frag;
        if (frag.load_buffer(def.metadata.data(), def.metadata.size(),
                             pugi::parse_default | pugi::parse_fragment))
            for (pugi::xml_node c : frag.children())
                m.append_copy(c);
    }
}

}  // namespace cvirt::conf::detail
