// SPDX-License-Identifier: GPL-3.0-or-later
#include "conf/metadata.h"

#include <cctype>
#include <pugixml.hpp>
#include <sstream>

#include "cvirt/error.h"

namespace cvirt::conf {

namespace {

std::string prefixOf(std::string_view name) {
    size_t colon = name.find(':');
    return colon == std::string_view::npos ? std::string() : std::string(name.substr(0, colon));
}

std::string localName(std::string_view name) {
    size_t colon = name.find(':');
    return std::string(colon == std::string_view::npos ? name : name.substr(colon + 1));
}

std::string declarationOf(const std::string& prefix) {
    return prefix.empty() ? "xmlns" : "xmlns:" + prefix;
}

// The namespace URI of a stored child: its own declaration (serializeChild copied any that
// an ancestor made).
std::string namespaceOf(pugi::xml_node element) {
    return element.attribute(declarationOf(prefixOf(element.name())).c_str()).value();
}

pugi::xml_parse_result loadFragment(pugi::xml_document& doc, const std::string& metadata) {
    return doc.load_buffer(metadata.data(), metadata.size(),
                           pugi::parse_default | pugi::parse_fragment);
}

void renameTree(pugi::xml_node element, const std::string& from, const std::string& to,
                bool onlyPrefixed) {
    for (pugi::xml_node n = element; n;) {
        if (n.type() == pugi::node_element && (!onlyPrefixed || prefixOf(n.name()) == from)) {
            std::string local = localName(n.name());
            n.set_name((to.empty() ? local : to + ":" + local).c_str());
        }
        // depth first, staying inside `element`
        if (n.first_child()) {
            n = n.first_child();
            continue;
        }
        while (n != element && !n.next_sibling())
            n = n.parent();
        if (n == element) break;
        n = n.next_sibling();
    }
}

bool isName(std::string_view key) {
    if (key.empty() || key.find(':') != std::string_view::npos) return false;
    unsigned char first = key.front();
    if (!(std::isalpha(first) || first == '_' || first >= 0x80)) return false;
    for (unsigned char c : key)
        if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.' || c >= 0x80)) return false;
    return true;
}

}  // namespace

std::optional<std::string> metadataElement(const std::string& metadata, std::string_view uri) {
    pugi::xml_document doc;
    if (!loadFragment(doc, metadata)) return std::nullopt;
    for (pugi::xml_node c : doc.children()) {
        if (c.type() != pugi::node_element || namespaceOf(c) != uri) continue;
        pugi::xml_document out;
        pugi::xml_node copy = out.append_copy(c);
        std::string prefix = prefixOf(c.name());
        copy.remove_attribute(declarationOf(prefix).c_str());
        renameTree(copy, prefix, "", true);
        std::ostringstream text;
        copy.print(text, "  ");
        // libxml2's empty tags, "<a/>", where pugixml writes "<a />"
        std::string shown = text.str();
        for (size_t at; (at = shown.find(" />")) != std::string::npos;)
            shown.erase(at, 1);
        return shown;
    }
    return std::nullopt;
}

std::string withMetadataElement(const std::string& metadata, std::string_view uri,
                                std::string_view key, const std::optional<std::string>& xml) {
    pugi::xml_document added;
    if (xml) {
        if (!isName(key))
            throw Error(ErrorCode::InvalidArg,
                        "metadata key '" + std::string(key) + "' is not a valid XML name");
        pugi::xml_parse_result res = added.load_string(xml->c_str());
        pugi::xml_node root = added.document_element();
        if (!res)
            throw Error(ErrorCode::XmlError,
                        std::string("(metadata_xml): malformed XML: ") + res.description());
        if (!root) throw Error(ErrorCode::XmlError, "(metadata_xml): no element");
        renameTree(root, "", std::string(key), false);
        // the element's own declarations of other prefixes go with the renamed elements
        for (pugi::xml_attribute a = root.first_attribute(); a;) {
            pugi::xml_attribute next = a.next_attribute();
            std::string n = a.name();
            if (n == "xmlns" || n.rfind("xmlns:", 0) == 0) root.remove_attribute(a);
            a = next;
        }
        root.prepend_attribute(("xmlns:" + std::string(key)).c_str())
            .set_value(std::string(uri).c_str());
    }
    pugi::xml_document doc;
    loadFragment(doc, metadata);
    std::string out;
    auto append = [&out](pugi::xml_node n) {
        std::ostringstream text;
        n.print(text, "", pugi::format_raw | pugi::format_attribute_single_quote);
        out += text.str();
    };
    for (pugi::xml_node c : doc.children())
        if (c.type() == pugi::node_element && namespaceOf(c) != uri) append(c);
    if (xml) append(added.document_element());
    return out;
}

}  // namespace cvirt::conf
