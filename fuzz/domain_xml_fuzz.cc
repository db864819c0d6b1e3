// SPDX-License-Identifier: GPL-3.0-or-later
// Domain XML as `cvirsh define` reads it: schema, model, defaults, semantic checks; then the
// formatter on everything the parser accepts, and the config store's round trip on everything
// define would store. cvirt::Error is an expected answer to bad input; anything else is a bug.
#include "conf/domain.h"
#include "cvirt/error.h"
#include "fuzz_target.h"

using namespace cvirt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view xml = fuzz::asText(data, size);
    conf::DomainDef def;
    try {
        def = conf::parseDomain(xml, {.filename = "fuzz.xml"});
    } catch (const Error&) {
        return 0;
    }
    conf::formatDomain(def);  // the formatter sees models no check has passed yet
    try {
        conf::applyDefaults(def);
        conf::validate(def, "fuzz.xml");
    } catch (const Error&) {
        return 0;
    }
    // What define stores must load as the same domain, and format to the same text.
    std::string stored = conf::formatDomain(def);
    conf::DomainDef again;
    try {
        again = conf::parseDomain(stored, {.filename = "stored.xml"});
        conf::applyDefaults(again);
        conf::validate(again, "stored.xml");
    } catch (const Error& e) {
        fuzz::invariantBroken("a defined domain does not load again",
                              std::string(e.what()) + "\n" + stored);
    }
    if (!(again == def)) fuzz::invariantBroken("parse(format(d)) != d", stored);
    if (std::string twice = conf::formatDomain(again); twice != stored)
        fuzz::invariantBroken("format(parse(format(d))) != format(d)", stored + "\n---\n" + twice);
    return 0;
}
