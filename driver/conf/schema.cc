// SPDX-License-Identifier: GPL-3.0-or-later
// RelaxNG validation through libxml2. The compiled schema is cached per process; libxml2
// never prints on its own; DTD entities are refused before libxml2 sees the document.
#include "conf/schema.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>

#include "cvirt/error.h"
#include "util/install_dir.h"

namespace cvirt::conf {

namespace fs = std::filesystem;

namespace {

void silence(void*, const char*, ...) {}
void silenceStructured(void*, xmlErrorPtr) {}

struct FirstError {
    bool set = false;
    int line = 0;
    std::string element, message, text;
};

std::string nodeText(xmlNodePtr node) {
    if (node->type != XML_ELEMENT_NODE) return {};
    xmlChar* c = xmlNodeGetContent(node);
    std::string t = c ? reinterpret_cast<const char*>(c) : "";
    xmlFree(c);
    return t.size() > 80 ? t.substr(0, 80) + "…" : t;
}

bool startsWith(const std::string& s, std::string_view p) {
    return s.rfind(p, 0) == 0;
}

// libxml2's wording, said the way cvirt's other errors are.
std::string rephrase(const FirstError& e) {
    const std::string& m = e.message;
    if (startsWith(m, "Did not expect element "))
        return "unexpected element <" + m.substr(23, m.find(' ', 23) - 23) + ">";
    if (startsWith(m, "Invalid attribute ")) {
        std::string name = m.substr(18, m.find(' ', 18) - 18);
        return "unknown attribute '" + name + "' or invalid value for it";
    }
    if (startsWith(m, "Error validating datatype "))
        return "invalid value '" + e.text + "' (expected " + m.substr(26) + ")";
    if (startsWith(m, "Element ") && m.find("failed to validate attributes") != std::string::npos)
        return "invalid or missing attribute";
    if (startsWith(m, "Element ") && m.find("has extra content: ") != std::string::npos)
        return "unexpected element <" + m.substr(m.find("has extra content: ") + 19) + ">";
    if (startsWith(m, "Expecting element "))
        return "missing element <" + m.substr(18, m.find(',') - 18) + ">";
    if (startsWith(m, "Value ")) return "invalid value '" + e.text + "'";
    if (startsWith(m, "Type ") && m.find(" doesn't allow value ") != std::string::npos)
        return "invalid value '" + e.text + "' (expected " + m.substr(5, m.find(' ', 5) - 5) + ")";
    return m;
}

void collect(void* data, xmlErrorPtr err) {
    auto* first = static_cast<FirstError*>(data);
    if (first->set || !err) return;
    first->set = true;
    first->line = err->line;
    if (err->node) {
        auto* node = static_cast<xmlNodePtr>(err->node);
        if (node->type == XML_ELEMENT_NODE) {
            first->element = reinterpret_cast<const char*>(node->name);
            if (node->ns && node->ns->prefix)
                first->element = std::string(reinterpret_cast<const char*>(node->ns->prefix)) +
                                 ":" + first->element;
            if (first->line <= 0) first->line = static_cast<int>(xmlGetLineNo(node));
        }
    }
    std::string msg = err->message ? err->message : "invalid document";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
        msg.pop_back();
    first->message = msg;
    if (err->node) first->text = nodeText(static_cast<xmlNodePtr>(err->node));
}

class CompiledSchema {
public:
    explicit CompiledSchema(const char* file) {
        xmlSetGenericErrorFunc(nullptr, silence);
        xmlSetStructuredErrorFunc(nullptr, silenceStructured);
        path_ = (schemaDir() / file).string();
        if (::access(path_.c_str(), R_OK) != 0)
            throw Error(ErrorCode::Internal, "cannot read the schema '" + path_ + "'");
        xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewParserCtxt(path_.c_str());
        xmlRelaxNGSetParserStructuredErrors(pctx, silenceStructured, nullptr);
        schema_ = xmlRelaxNGParse(pctx);
        xmlRelaxNGFreeParserCtxt(pctx);
        if (!schema_) throw Error(ErrorCode::Internal, "cannot compile the schema '" + path_ + "'");
    }
    xmlRelaxNGPtr get() const { return schema_; }

private:
    std::string path_;
    xmlRelaxNGPtr schema_ = nullptr;  // kept for the life of the process
};

const CompiledSchema& compiled(Schema which) {
    if (which == Schema::Network) {
        static CompiledSchema network("network.rng");  // thread-safe initialisation
        return network;
    }
    if (which == Schema::Snapshot) {
        static CompiledSchema snapshot("domainsnapshot.rng");
        return snapshot;
    }
    if (which == Schema::StoragePool) {
        static CompiledSchema pool("storagepool.rng");
        return pool;
    }
    if (which == Schema::StorageVol) {
        static CompiledSchema vol("storagevol.rng");
        return vol;
    }
    static CompiledSchema domain("domain.rng");
    return domain;
}

int lineAt(std::string_view text, size_t offset) {
    int line = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i)
        if (text[i] == '\n') ++line;
    return line;
}

}  // namespace

// A DOCTYPE may name the root, nothing more: no entities, no external DTD.
void refuseUnsafeXml(std::string_view xml, std::string_view filename) {
    size_t at = xml.find("<!DOCTYPE");
    if (at == std::string_view::npos) return;
    size_t end = at;
    int depth = 0;
    for (; end < xml.size(); ++end) {
        if (xml[end] == '[')
            ++depth;
        else if (xml[end] == ']')
            --depth;
        else if (xml[end] == '>' && depth <= 0)
            break;
    }
    std::string_view decl = xml.substr(at, end - at);
    if (decl.find("<!ENTITY") != std::string_view::npos ||
        decl.find("SYSTEM") != std::string_view::npos ||
        decl.find("PUBLIC") != std::string_view::npos)
        throw Error(ErrorCode::XmlError, std::string(filename) + ":" +
                                             std::to_string(lineAt(xml, at)) +
                                             ": DOCTYPE with entity declarations or an external "
                                             "DTD is not allowed");
}

fs::path schemaDir() {
    if (const char* env = std::getenv("CVIRT_SCHEMA_DIR"); env && *env) return env;
    fs::path build = CVIRT_BUILD_SCHEMA_DIR;
    if (::access((build / "domain.rng").c_str(), R_OK) == 0) return build;
    // An install under another prefix than configured: share/ beside the program's bin/ or
    // libcvirt.so's lib/.
    for (const fs::path& prefix : util::installPrefixes()) {
        fs::path relative = prefix / "share/cvirt/schemas";
        if (::access((relative / "domain.rng").c_str(), R_OK) == 0) return relative;
    }
    return CVIRT_INSTALL_SCHEMA_DIR;
}

void validateDomainSchema(std::string_view xml, std::string_view filename) {
    validateSchema(Schema::Domain, xml, filename);
}

void validateSchema(Schema which, std::string_view xml, std::string_view filename) {
    refuseUnsafeXml(xml, filename);
    const CompiledSchema& schema = compiled(which);

    FirstError first;
    xmlParserCtxtPtr pctx = xmlNewParserCtxt();
    if (!pctx) throw Error(ErrorCode::Internal, "out of memory");
    xmlSetStructuredErrorFunc(&first, collect);
    xmlDocPtr doc = xmlCtxtReadMemory(pctx, xml.data(), static_cast<int>(xml.size()), nullptr,
                                      nullptr, XML_PARSE_NONET | XML_PARSE_NOWARNING);
    xmlSetStructuredErrorFunc(nullptr, silenceStructured);
    xmlFreeParserCtxt(pctx);
    if (!doc) {
        throw Error(ErrorCode::XmlError, std::string(filename) + ":" + std::to_string(first.line) +
                                             ": malformed XML: " + first.message);
    }

    FirstError invalid;
    xmlRelaxNGValidCtxtPtr vctx = xmlRelaxNGNewValidCtxt(schema.get());
    xmlRelaxNGSetValidStructuredErrors(vctx, collect, &invalid);
    int rc = xmlRelaxNGValidateDoc(vctx, doc);
    xmlRelaxNGFreeValidCtxt(vctx);
    xmlFreeDoc(doc);
    if (rc == 0) return;
    std::string text(filename);
    if (invalid.line > 0) text += ":" + std::to_string(invalid.line);
    text += ": ";
    if (!invalid.element.empty()) text += "<" + invalid.element + ">: ";
    text += invalid.set ? rephrase(invalid) : "does not match the domain schema";
    throw Error(ErrorCode::XmlError, std::move(text));
}

}  // namespace cvirt::conf
