// SPDX-License-Identifier: GPL-3.0-or-later
// <seclabel> (issue 17): libvirt writes <seclabel type='none'/> on most LXC domains. Every
// label is kept as written (define, dumpxml); start refuses, naming the model, any label cvirt
// cannot enforce (it applies no security module), so none is ever silently ignored.
#include <cppunit/extensions/HelperMacros.h>

#include "conf/domain.h"
#include "cvirt/error.h"
#include "support/test_util.h"

using namespace cvirt;

namespace {

conf::DomainDef loadCase(const std::string& name) {
    return conf::loadDomain(
        testenv::readText(testenv::sourceDir() / "tests/data/domain/good" / (name + ".xml")),
        {.filename = name});
}

std::string withSeclabel(const std::string& type, const std::string& seclabel) {
    std::string os = type == "lxc" ? "<type>exe</type><init>/bin/sh</init>"
                                   : "<type>hvm</type><kernel>/boot/vmlinuz</kernel>";
    return "<domain type='" + type + "'><name>t</name><memory unit='MiB'>64</memory><os>" + os +
           "</os>" + seclabel + "</domain>";
}

// The message start gives for `def`, or "" when it may start.
std::string startRefusal(const conf::DomainDef& def) {
    try {
        conf::requireEnforceable(def);
    } catch (const Error& e) {
        CPPUNIT_ASSERT(e.code() == ErrorCode::ConfigUnsupported);
        return e.what();
    }
    return {};
}

}  // namespace

class SeclabelTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SeclabelTest);
    CPPUNIT_TEST(noneIsKeptAndStarts);
    CPPUNIT_TEST(everyFieldIsKept);
    CPPUNIT_TEST(startRefusesWhatItCannotEnforce);
    CPPUNIT_TEST(startNamesEachModel);
    CPPUNIT_TEST(virtualMachinesAlike);
    CPPUNIT_TEST_SUITE_END();

public:
    void noneIsKeptAndStarts() {
        conf::DomainDef def = loadCase("lxc-seclabel-none");
        CPPUNIT_ASSERT_EQUAL(size_t(1), def.seclabels.size());
        CPPUNIT_ASSERT(def.seclabels[0].type == conf::SeclabelType::None);
        CPPUNIT_ASSERT(def.seclabels[0].model.empty());
        CPPUNIT_ASSERT(!def.seclabels[0].relabel);
        std::string out = conf::formatDomain(def);
        CPPUNIT_ASSERT(out.find("  </devices>\n  <seclabel type='none'/>\n</domain>") !=
                       std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string(), startRefusal(def));
        // no seclabel at all starts too
        CPPUNIT_ASSERT_EQUAL(std::string(),
                             startRefusal(conf::loadDomain(withSeclabel("lxc", ""), {})));
    }

    void everyFieldIsKept() {
        conf::DomainDef def = loadCase("seclabel-models");
        CPPUNIT_ASSERT_EQUAL(size_t(4), def.seclabels.size());
        const auto& selinux = def.seclabels[0];
        CPPUNIT_ASSERT(selinux.type == conf::SeclabelType::Static);
        CPPUNIT_ASSERT_EQUAL(std::string("selinux"), selinux.model);
        CPPUNIT_ASSERT(selinux.relabel == true);
        CPPUNIT_ASSERT_EQUAL(std::string("system_u:system_r:svirt_lxc_net_t:s0:c392,c662"),
                             selinux.label);
        CPPUNIT_ASSERT_EQUAL(std::string("system_u:object_r:svirt_sandbox_file_t:s0:c392,c662"),
                             selinux.imagelabel);
        CPPUNIT_ASSERT_EQUAL(std::string("libvirt-template"), def.seclabels[1].baselabel);
        CPPUNIT_ASSERT(def.seclabels[1].type == conf::SeclabelType::Dynamic);
        CPPUNIT_ASSERT(def.seclabels[2].relabel == false);
        CPPUNIT_ASSERT_EQUAL(std::string("+1000:+1000"), def.seclabels[2].label);
        CPPUNIT_ASSERT_EQUAL(std::string("none"), def.seclabels[3].model);
        // a missing type stays missing (the host's default driver decides, as in libvirt)
        conf::DomainDef bare = conf::loadDomain(
            withSeclabel("lxc", "<seclabel model='selinux'><baselabel>b</baselabel></seclabel>"),
            {});
        CPPUNIT_ASSERT(!bare.seclabels.at(0).type);
        std::string out = conf::formatDomain(bare);
        CPPUNIT_ASSERT(out.find("<seclabel model='selinux'>\n    <baselabel>b</baselabel>") !=
                       std::string::npos);
        conf::DomainDef again = conf::parseDomain(out, {});
        conf::applyDefaults(again);
        CPPUNIT_ASSERT(again == bare);
    }

    void startRefusesWhatItCannotEnforce() {
        std::string why = startRefusal(loadCase("seclabel-models"));
        CPPUNIT_ASSERT_EQUAL(std::string("security model 'selinux' (<seclabel type='static'>) "
                                         "cannot be enforced: cvirt applies no security module "
                                         "(SELinux, AppArmor, DAC labels); use <seclabel "
                                         "type='none'/> to run unconfined"),
                             why);
        // a label with neither type nor model asks for the default driver's confinement
        why = startRefusal(conf::loadDomain(withSeclabel("lxc", "<seclabel/>"), {}));
        CPPUNIT_ASSERT(why.find("security model the host's default (<seclabel type='dynamic'>)") ==
                       0);
        // type='none' of a named model is no confinement: it starts
        CPPUNIT_ASSERT_EQUAL(
            std::string(),
            startRefusal(conf::loadDomain(withSeclabel("lxc",
                                                       "<seclabel type='none' model='apparmor'/>"
                                                       "<seclabel type='none' model='dac'/>"),
                                          {})));
    }

    void startNamesEachModel() {
        for (std::string model : {"selinux", "apparmor", "dac", "smack"}) {
            conf::DomainDef def = conf::loadDomain(
                withSeclabel("lxc", "<seclabel type='none' model='x" + model +
                                        "'/><seclabel type='dynamic' model='" + model + "'/>"),
                {});
            std::string why = startRefusal(def);
            CPPUNIT_ASSERT_MESSAGE(model + ": " + why,
                                   why.find("security model '" + model + "'") == 0);
        }
    }

    void virtualMachinesAlike() {
        conf::DomainDef vm = loadCase("qemu-aliases");
        CPPUNIT_ASSERT_EQUAL(std::string("dac"), vm.seclabels.at(0).model);
        CPPUNIT_ASSERT_EQUAL(std::string(), startRefusal(vm));
        conf::DomainDef confined = conf::loadDomain(
            withSeclabel("kvm", "<seclabel type='dynamic' model='selinux' relabel='yes'/>"), {});
        CPPUNIT_ASSERT(startRefusal(confined).find("'selinux'") != std::string::npos);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(SeclabelTest);
