// SPDX-License-Identifier: GPL-3.0-or-later
// What cvirt writes (dumpxml) must be valid for libvirt too: every good fixture and example
// is loaded, formatted and validated against libvirt's own domain.rng.
#include <cppunit/extensions/HelperMacros.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include <filesystem>

#include "conf/domain.h"
#include "support/test_util.h"

using namespace cvirt;
namespace fs = std::filesystem;

namespace {
const char* kLibvirtSchema = "/usr/share/libvirt/schemas/domain.rng";
void quiet(void*, xmlErrorPtr) {}
std::string firstError;
void remember(void*, xmlErrorPtr e) {
    if (firstError.empty() && e && e->message) firstError = e->message;
}
}  // namespace

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (!fs::exists(kLibvirtSchema))
        return std::string("needs libvirt's schemas (") + kLibvirtSchema +
               " from Debian's libvirt0)";
    return std::nullopt;
}

class LibvirtSchemaTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LibvirtSchemaTest);
    CPPUNIT_TEST(outputValidatesForLibvirt);
    CPPUNIT_TEST_SUITE_END();

    void outputValidatesForLibvirt() {
        xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewParserCtxt(kLibvirtSchema);
        xmlRelaxNGSetParserStructuredErrors(pctx, quiet, nullptr);
        xmlRelaxNGPtr schema = xmlRelaxNGParse(pctx);
        xmlRelaxNGFreeParserCtxt(pctx);
        CPPUNIT_ASSERT_MESSAGE("libvirt's schema does not compile", schema);
        std::vector<fs::path> files;
        for (const auto& f :
             testenv::filesIn(testenv::sourceDir() / "tests/data/domain/good", ".xml"))
            if (!f.string().ends_with(".out.xml")) files.push_back(f);
        for (const auto& f : testenv::domainExamples())
            files.push_back(f);

        for (const auto& f : files) {
            std::string name = f.filename().string();
            // cvirt's own extensions are not libvirt's: what libvirt must accept is the rest.
            conf::DomainDef def = conf::loadDomain(testenv::readText(f), {.filename = name});
            def.cvirtResources = {};
            def.cvirtSecurity = {};
            std::string out = conf::formatDomain(def);
            xmlDocPtr doc =
                xmlReadMemory(out.data(), static_cast<int>(out.size()), nullptr, nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
            CPPUNIT_ASSERT_MESSAGE(name, doc);
            xmlRelaxNGValidCtxtPtr vctx = xmlRelaxNGNewValidCtxt(schema);
            firstError.clear();
            xmlRelaxNGSetValidStructuredErrors(vctx, remember, nullptr);
            int rc = xmlRelaxNGValidateDoc(vctx, doc);
            xmlRelaxNGFreeValidCtxt(vctx);
            xmlFreeDoc(doc);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name + ": " + firstError + "\n" + out, 0, rc);
        }
        xmlRelaxNGFree(schema);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(LibvirtSchemaTest);
