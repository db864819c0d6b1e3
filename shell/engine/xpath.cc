// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/xpath.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include <memory>

#include "cvirt/error.h"

namespace cvirt::shell {

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Doc = std::unique_ptr<xmlDoc, Deleter<xmlDoc, xmlFreeDoc>>;
using Context = std::unique_ptr<xmlXPathContext, Deleter<xmlXPathContext, xmlXPathFreeContext>>;
using Object = std::unique_ptr<xmlXPathObject, Deleter<xmlXPathObject, xmlXPathFreeObject>>;
using Buffer = std::unique_ptr<xmlBuffer, Deleter<xmlBuffer, xmlBufferFree>>;

// virXMLNodeToString: the node formatted, without a trailing newline.
std::string dump(xmlDoc* doc, xmlNode* node) {
    Buffer buf(xmlBufferCreate());
    xmlNodeDump(buf.get(), doc, node, 0, 1);
    return std::string(reinterpret_cast<const char*>(xmlBufferContent(buf.get())),
                       xmlBufferLength(buf.get()));
}

Object eval(xmlXPathContext* ctx, const std::string& expr) {
    return Object(xmlXPathEval(reinterpret_cast<const xmlChar*>(expr.c_str()), ctx));
}

Doc parse(std::string_view xml) {
    // Blank text dropped, so a selected element is indented afresh (libvirt parses so).
    Doc doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "domain.xml", nullptr,
                          XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOWARNING));
    if (!doc) throw Error(ErrorCode::XmlError, "cannot parse the domain XML");
    return doc;
}

}  // namespace

std::vector<std::vector<std::string>> selectFields(std::string_view xml, const std::string& expr,
                                                   const std::vector<std::string>& fields) {
    Doc doc = parse(xml);
    Context ctx(xmlXPathNewContext(doc.get()));
    ctx->node = xmlDocGetRootElement(doc.get());
    Object nodes = eval(ctx.get(), expr);
    std::vector<std::vector<std::string>> rows;
    if (!nodes || nodes->type != XPATH_NODESET || !nodes->nodesetval) return rows;
    for (int i = 0; i < nodes->nodesetval->nodeNr; ++i) {
        ctx->node = nodes->nodesetval->nodeTab[i];
        std::vector<std::string> row;
        for (const auto& f : fields) {
            Object v = eval(ctx.get(), "string(" + f + ")");
            row.emplace_back(v && v->stringval ? reinterpret_cast<const char*>(v->stringval) : "");
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string selectXPath(std::string_view xml, const std::string& expr, bool wrap) {
    Doc doc = parse(xml);
    Context ctx(xmlXPathNewContext(doc.get()));
    ctx->node = xmlDocGetRootElement(doc.get());
    Object result = eval(ctx.get(), expr);
    if (result && result->type != XPATH_NODESET)
        throw Error(ErrorCode::Internal, "internal error: Incorrect xpath '" + expr + "'");
    xmlNodeSet* set = result ? result->nodesetval : nullptr;
    int count = set ? set->nodeNr : 0;
    std::string out;
    if (!wrap) {
        for (int i = 0; i < count; ++i)
            out += dump(doc.get(), set->nodeTab[i]) + "\n";
        return out;
    }
    Doc wrapped(xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0")));
    xmlNode* root = xmlNewNode(nullptr, reinterpret_cast<const xmlChar*>("nodes"));
    xmlDocSetRootElement(wrapped.get(), root);
    for (int i = 0; i < count; ++i) {
        xmlNode* copy = xmlDocCopyNode(set->nodeTab[i], wrapped.get(), 1);
        if (copy && !xmlAddChild(root, copy)) xmlFreeNode(copy);
    }
    return dump(wrapped.get(), root) + "\n";
}

}  // namespace cvirt::shell
