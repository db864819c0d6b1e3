// SPDX-License-Identifier: GPL-3.0-or-later
// Domain events as cvirtd sends them: the journal's names to libvirt's event and detail
// numbers, and which messages (procedure, body) a session's callbacks get for an event.
#include <cppunit/extensions/HelperMacros.h>

#include "remote/dispatch.h"
#include "remote/protocol.h"

using namespace cvirt;
using namespace cvirt::remote;

namespace {

const std::string kUuid = "6a5e0a37-3c4d-4b3f-9d6e-1f2a3b4c5d6e";
const std::string kOther = "00000000-0000-0000-0000-000000000001";

DomainSummary domain(const std::string& uuid, std::optional<int> id) {
    DomainSummary d;
    d.name = "web";
    d.uuid = uuid;
    d.id = id;
    return d;
}

// callbackID (when given), the domain, event, detail: as a lifecycle message's body reads.
void checkBody(const std::string& body, std::optional<int32_t> callbackId, int32_t event,
               int32_t detail, int32_t id) {
    rpc::XdrReader r(body);
    if (callbackId) CPPUNIT_ASSERT_EQUAL(*callbackId, r.i32("callbackID"));
    DomainSummary d = readDomainRef(r);
    CPPUNIT_ASSERT_EQUAL(std::string("web"), d.name);
    CPPUNIT_ASSERT_EQUAL(kUuid, d.uuid);
    CPPUNIT_ASSERT_EQUAL(id, d.id.value_or(-1));
    CPPUNIT_ASSERT_EQUAL(event, r.i32("event"));
    CPPUNIT_ASSERT_EQUAL(detail, r.i32("detail"));
    CPPUNIT_ASSERT(r.atEnd());
}

}  // namespace

class EventProcsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EventProcsTest);
    CPPUNIT_TEST(journalNamesAreLibvirtsNumbers);
    CPPUNIT_TEST(callbacksGetTheirEventsOnly);
    CPPUNIT_TEST(oldRegistrationGetsTheOldMessage);
    CPPUNIT_TEST_SUITE_END();

public:
    void journalNamesAreLibvirtsNumbers() {
        struct Case {
            const char* event;
            const char* detail;
            int32_t number, detailNumber;
        } cases[] = {
            {"defined", "added", 0, 0},
            {"defined", "updated", 0, 1},
            {"defined", "renamed", 0, 2},
            {"undefined", "removed", 1, 0},
            {"undefined", "renamed", 1, 1},
            {"started", "booted", 2, 0},
            {"suspended", "paused", 3, 0},
            {"resumed", "unpaused", 4, 0},
            {"stopped", "shutdown", 5, 0},
            {"stopped", "destroyed", 5, 1},
            {"stopped", "crashed", 5, 2},
            {"stopped", "failed", 5, 5},
            {"stopped", "from snapshot", 5, 6},
            {"stopped", "daemon", 5, 0},  // no number in libvirt: the event's first
            {"crashed", "panicked", 8, 0},
        };
        for (const auto& c : cases) {
            auto n = lifecycleNumbers({.domain = "web", .event = c.event, .detail = c.detail});
            std::string what = std::string(c.event) + " " + c.detail;
            CPPUNIT_ASSERT_MESSAGE(what, n.has_value());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, c.number, n->first);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, c.detailNumber, n->second);
        }
        CPPUNIT_ASSERT(!lifecycleNumbers({.domain = "web", .event = "reboot", .detail = "-"}));
    }

    void callbacksGetTheirEventsOnly() {
        Session s;
        s.callbacks[1] = {.eventId = 0};                        // lifecycle, every domain
        s.callbacks[2] = {.eventId = 1};                        // reboot, every domain
        s.callbacks[3] = {.eventId = 0, .domainUuid = kUuid};   // lifecycle of web only
        s.callbacks[4] = {.eventId = 0, .domainUuid = kOther};  // of another domain
        s.callbacks[5] = {.eventId = 3};                        // watchdog: never sent
        auto got = eventMessages(s, {.domain = "web", .event = "started", .detail = "booted"},
                                 domain(kUuid, 4));
        CPPUNIT_ASSERT_EQUAL(size_t{2}, got.size());
        for (size_t i = 0; i < 2; ++i)
            CPPUNIT_ASSERT_EQUAL(static_cast<int32_t>(Proc::DomainEventCallbackLifecycle),
                                 got[i].procedure);
        checkBody(got[0].body, 1, 2, 0, 4);
        checkBody(got[1].body, 3, 2, 0, 4);

        got =
            eventMessages(s, {.domain = "web", .event = "reboot", .detail = "-"}, domain(kUuid, 4));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, got.size());
        CPPUNIT_ASSERT_EQUAL(static_cast<int32_t>(Proc::DomainEventCallbackReboot),
                             got[0].procedure);
        rpc::XdrReader r(got[0].body);
        CPPUNIT_ASSERT_EQUAL(2, r.i32("callbackID"));
        CPPUNIT_ASSERT_EQUAL(std::string("web"), readDomainRef(r).name);
        CPPUNIT_ASSERT(r.atEnd());

        CPPUNIT_ASSERT(
            eventMessages(s, {.domain = "web", .event = "unknown", .detail = "x"}, domain(kUuid, 4))
                .empty());
    }

    void oldRegistrationGetsTheOldMessage() {
        Session s;
        s.legacyEvents.insert(0);
        auto got = eventMessages(s, {.domain = "web", .event = "undefined", .detail = "removed"},
                                 domain(kUuid, std::nullopt));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, got.size());
        CPPUNIT_ASSERT_EQUAL(static_cast<int32_t>(Proc::DomainEventLifecycle), got[0].procedure);
        checkBody(got[0].body, std::nullopt, 1, 0, -1);
        CPPUNIT_ASSERT(
            eventMessages(s, {.domain = "web", .event = "reboot", .detail = "-"}, domain(kUuid, 1))
                .empty());
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(EventProcsTest);
