// SPDX-License-Identifier: GPL-3.0-or-later
// libvirt's typed parameters on the wire (remote_typed_param): each type's bytes as libvirt's
// XDR encoder writes them, strings held back from a caller without VIR_TYPED_PARAM_STRING_OKAY,
// and the limits and malformed input refused with a reason.
#include <cppunit/extensions/HelperMacros.h>

#include "cvirt/error.h"
#include "rpc/message.h"
#include "rpc/typed_params.h"
#include "unit/rpc/hex.h"

using namespace cvirt;
using namespace cvirt::rpc;

using namespace cvirt::rpc::testing;

class TypedParamsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TypedParamsTest);
    CPPUNIT_TEST(eachTypeAsLibvirtWritesIt);
    CPPUNIT_TEST(roundTrip);
    CPPUNIT_TEST(stringsOnlyWhenTheCallerTakesThem);
    CPPUNIT_TEST(limitsAndMalformedInputRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void eachTypeAsLibvirtWritesIt() {
        XdrWriter w;
        writeTypedParams(w,
                         {{"a", int32_t{-1}},
                          {"b", uint32_t{2}},
                          {"c", int64_t{-3}},
                          {"d", uint64_t{4}},
                          {"e", 1.5},
                          {"f", true},
                          {"g", std::string("xyz")}},
                         16, kStringOkay);
        CPPUNIT_ASSERT_EQUAL(std::string("00000007"  // count
                                         "00000001"
                                         "61000000"
                                         "00000001"
                                         "ffffffff"  // int
                                         "00000001"
                                         "62000000"
                                         "00000002"
                                         "00000002"  // uint
                                         "00000001"
                                         "63000000"
                                         "00000003"
                                         "fffffffffffffffd"  // llong
                                         "00000001"
                                         "64000000"
                                         "00000004"
                                         "0000000000000004"  // ullong
                                         "00000001"
                                         "65000000"
                                         "00000005"
                                         "3ff8000000000000"  // double
                                         "00000001"
                                         "66000000"
                                         "00000006"
                                         "00000001"  // boolean
                                         "00000001"
                                         "67000000"
                                         "00000007"
                                         "00000003"
                                         "78797a00"),  // string
                             hex(w.bytes()));
        CPPUNIT_ASSERT_EQUAL(std::string("ullong"), std::string(paramTypeName(ParamType::ULLong)));
    }

    void roundTrip() {
        std::vector<TypedParam> in{{"hard_limit", uint64_t{9007199254740991ull}},
                                   {"vcpu_quota", int64_t{-1}},
                                   {"device_weight", std::string("/dev/sda,500")},
                                   {"ratio", 0.25}};
        XdrWriter w;
        writeTypedParams(w, in, 16, kStringOkay);
        XdrReader r(w.bytes());
        CPPUNIT_ASSERT(readTypedParams(r, 16) == in);
        CPPUNIT_ASSERT(r.atEnd());
        CPPUNIT_ASSERT(in[1].type() == ParamType::LLong);
    }

    // libvirt's server leaves string values out for a client that did not say it takes them
    // (VIR_TYPED_PARAM_STRING_OKAY), and counts only what it sends.
    void stringsOnlyWhenTheCallerTakesThem() {
        XdrWriter w;
        writeTypedParams(w, {{"weight", uint32_t{500}}, {"device_weight", std::string("x")}}, 16,
                         0);
        XdrReader r(w.bytes());
        std::vector<TypedParam> out = readTypedParams(r, 16);
        CPPUNIT_ASSERT_EQUAL(size_t{1}, out.size());
        CPPUNIT_ASSERT_EQUAL(std::string("weight"), out[0].field);
    }

    void limitsAndMalformedInputRefused() {
        // more than the protocol's limit: libvirt's VIR_ERR_RPC
        std::vector<TypedParam> many(17, TypedParam{"x", int32_t{1}});
        XdrWriter w;
        try {
            writeTypedParams(w, many, 16, 0);
            CPPUNIT_FAIL("17 parameters written against a limit of 16");
        } catch (const RemoteFailure& f) {
            CPPUNIT_ASSERT_EQUAL(39, f.error.code);
            CPPUNIT_ASSERT_EQUAL(std::string("too many parameters '17' for limit '16'"),
                                 *f.error.message);
        }
        auto refused = [](const std::string& bytes, const std::string& says) {
            XdrReader r(bytes);
            try {
                readTypedParams(r, 16);
            } catch (const Error& e) {
                CPPUNIT_ASSERT_MESSAGE(e.what(),
                                       std::string(e.what()).find(says) != std::string::npos);
                return;
            }
            CPPUNIT_FAIL("accepted: " + says);
        };
        refused(unhex("00000011"), "count 17 exceeds 16");
        refused(unhex("00000001"
                      "00000001"
                      "61000000"
                      "00000008"
                      "00000000"),
                "unknown parameter type: 8");
        refused(unhex("00000001"
                      "00000001"
                      "61000000"
                      "00000004"
                      "00000000"),
                "needs 4 bytes");
        std::string longName(80, 'n');
        XdrWriter named;
        named.u32(1);
        named.string(longName);
        named.i32(1);
        named.i32(0);
        refused(named.bytes(), "too big for destination");
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(TypedParamsTest);
