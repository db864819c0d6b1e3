// SPDX-License-Identifier: GPL-3.0-or-later
// Network XML as `cvirsh net-define` reads it: schema, model, defaults, checks; the formatter
// on everything the parser accepts; the stored text must load as the same network. The
// schema-less parse (files cvirt wrote itself) must not crash on anything either.
#include "conf/network.h"
#include "cvirt/error.h"
#include "fuzz_target.h"

using namespace cvirt;

namespace {

// Live and stored network files are read without the schema: damaged ones must fail cleanly.
void parseUnvalidated(std::string_view xml) {
    try {
        conf::NetworkDef def = conf::parseNetwork(xml, "stored.xml", false);
        conf::formatNetwork(def);
    } catch (const Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view xml = fuzz::asText(data, size);
    parseUnvalidated(xml);
    conf::NetworkDef def;
    try {
        def = conf::parseNetwork(xml, "fuzz.xml");
    } catch (const Error&) {
        return 0;
    }
    conf::formatNetwork(def);
    try {
        conf::applyNetworkDefaults(def, {"cvtbr0", "virbr0"});
        conf::validateNetwork(def, "fuzz.xml");
    } catch (const Error&) {
        return 0;
    }
    std::string stored = conf::formatNetwork(def);
    conf::NetworkDef again;
    try {
        again = conf::parseNetwork(stored, "stored.xml");
        conf::validateNetwork(again, "stored.xml");
    } catch (const Error& e) {
        fuzz::invariantBroken("a defined network does not load again",
                              std::string(e.what()) + "\n" + stored);
    }
    if (!(again == def)) fuzz::invariantBroken("parse(format(n)) != n", stored);
    if (std::string twice = conf::formatNetwork(again); twice != stored)
        fuzz::invariantBroken("format(parse(format(n))) != format(n)", stored + "\n---\n" + twice);
    return 0;
}
