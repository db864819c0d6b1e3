// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/pool_def.h"

#include <cppunit/extensions/HelperMacros.h>

#include "cvirt/error.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::storage;

class PoolDefTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PoolDefTest);
    CPPUNIT_TEST(poolRoundTrips);
    CPPUNIT_TEST(badPoolsAreRefused);
    CPPUNIT_TEST(volumeRoundTrips);
    CPPUNIT_TEST(badVolumesAreRefused);
    CPPUNIT_TEST(scaledSizes);
    CPPUNIT_TEST_SUITE_END();

    static std::string error(auto&& call) {
        try {
            call();
        } catch (const Error& e) {
            return e.what();
        }
        return "";
    }

    void poolRoundTrips() {
        const std::string xml =
            "<pool type='dir'>\n  <name>images</name>\n"
            "  <uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>\n"
            "  <capacity unit='bytes'>100</capacity>\n  <allocation unit='bytes'>1</allocation>\n"
            "  <available unit='bytes'>99</available>\n  <source/>\n  <target>\n"
            "    <path>/srv/images</path>\n    <permissions>\n      <mode>0711</mode>\n"
            "      <owner>107</owner>\n    </permissions>\n  </target>\n</pool>\n";
        PoolDef def = parsePool(xml);
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/images"), def.target);
        CPPUNIT_ASSERT_EQUAL(0711u, *def.perms.mode);
        CPPUNIT_ASSERT_EQUAL(xml, formatPool(def, {100, 1, 99}));
        CPPUNIT_ASSERT(parsePool(formatPool(def)) == def);
        // a trailing slash and dots are normalised away
        PoolDef d2 = parsePool(
            "<pool type='dir'><name>a</name><target><path>/srv/x/./y/</path>"
            "</target></pool>");
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/x/y"), d2.target);
    }
    void badPoolsAreRefused() {
        CPPUNIT_ASSERT(!error([] {
                            parsePool(
                                "<pool type='logical'><name>a</name><target><path>/x</path>"
                                "</target></pool>");
                        }).empty());
        CPPUNIT_ASSERT(!error([] {
                            parsePool(
                                "<pool type='dir'><name>a</name><target><path>x</path>"
                                "</target></pool>");
                        }).empty());
        CPPUNIT_ASSERT(error([] {
                           parsePool(
                               "<pool type='dir'><name>.a</name><target><path>/x</path>"
                               "</target></pool>");
                       }).find("may not start with '.'") != std::string::npos);
        CPPUNIT_ASSERT(error([] {
                           parsePool(
                               "<pool type='dir'><name>a</name><target><path>/</path>"
                               "</target></pool>");
                       }).find("may not be '/'") != std::string::npos);
    }
    void volumeRoundTrips() {
        VolDef def = parseVol(
            "<volume><name>q</name><capacity unit='G'>1</capacity><target>"
            "<format type='qcow2'/></target><backingStore><path>/p/base</path>"
            "<format type='qcow2'/></backingStore></volume>");
        CPPUNIT_ASSERT(def.format == VolFormat::Qcow2);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1) << 30, def.capacity);
        CPPUNIT_ASSERT_EQUAL(std::string("/p/base"), def.backingPath);
        VolInfo info{def, "/p/q", 4096, true};
        VolDef back = parseVol(formatVol(info));
        def.allocation = 4096;  // what the volume has now, in its output
        def.perms = back.perms;
        CPPUNIT_ASSERT(back == def);
        VolDef dir = parseVol("<volume type='dir'><name>root</name></volume>");
        CPPUNIT_ASSERT(dir.format == VolFormat::Dir);
    }
    void badVolumesAreRefused() {
        CPPUNIT_ASSERT(error([] {
                           parseVol("<volume><name>r</name></volume>");
                       }).find("missing <capacity>") != std::string::npos);
        CPPUNIT_ASSERT(error([] {
                           parseVol(
                               "<volume type='dir'><name>r</name><target><format type='qcow2'/>"
                               "</target></volume>");
                       }).find("cannot have format 'qcow2'") != std::string::npos);
        CPPUNIT_ASSERT(error([] {
                           parseVol(
                               "<volume><name>r</name><capacity>1</capacity><backingStore>"
                               "<path>/b</path></backingStore></volume>");
                       }).find("raw volume cannot have a backing store") != std::string::npos);
        CPPUNIT_ASSERT(!error([] {
                            parseVol("<volume><name>a/b</name><capacity>1</capacity></volume>");
                        }).empty());
    }
    void scaledSizes() {
        CPPUNIT_ASSERT_EQUAL(uint64_t(10) << 20, parseScaledBytes("10M"));
        CPPUNIT_ASSERT_EQUAL(uint64_t(10), parseScaledBytes("10"));
        CPPUNIT_ASSERT_EQUAL(uint64_t(10000), parseScaledBytes("10KB"));
        CPPUNIT_ASSERT_THROW(parseScaledBytes("10Q"), Error);
        CPPUNIT_ASSERT_THROW(parseScaledBytes("99999999999999999999"), Error);
        CPPUNIT_ASSERT_THROW(parseScaledBytes("20000000000E"), Error);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(PoolDefTest);
