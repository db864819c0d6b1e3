// SPDX-License-Identifier: GPL-3.0-or-later
// remote_nonnull_domain, the way every call and event names a domain: its name, its 16-byte
// uuid and its id (-1 when it is not running).
#include <cstdio>

#include "remote/dispatch.h"

namespace cvirt::remote {

Uuid uuidBytes(const std::string& text) {
    Uuid u{};
    size_t i = 0;
    for (size_t p = 0; p + 1 < text.size() && i < u.size();) {
        if (text[p] == '-') {
            ++p;
            continue;
        }
        unsigned byte = 0;
        std::sscanf(text.c_str() + p, "%2x", &byte);
        u[i++] = static_cast<uint8_t>(byte);
        p += 2;
    }
    return u;
}

std::string uuidText(const Uuid& u) {
    char buf[37];
    std::snprintf(buf, sizeof buf,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
                  u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
                  u[14], u[15]);
    return buf;
}

void writeDomain(rpc::XdrWriter& w, const DomainSummary& d) {
    w.string(d.name);
    w.fixedOpaque(uuidBytes(d.uuid));
    w.i32(d.id ? *d.id : -1);
}

void writeDomain(rpc::XdrWriter& w, const Domain& d) {
    writeDomain(w, d.summary());
}

DomainSummary readDomainRef(rpc::XdrReader& r) {
    DomainSummary d;
    d.name = r.string("domain name");
    Uuid uuid{};
    r.fixedOpaque(uuid, "domain uuid");
    d.uuid = uuidText(uuid);
    int32_t id = r.i32("domain id");
    if (id >= 0) d.id = id;
    return d;
}

Domain readDomain(Session& s, rpc::XdrReader& r) {
    return s.connection().lookup(readDomainRef(r).name);
}

}  // namespace cvirt::remote
