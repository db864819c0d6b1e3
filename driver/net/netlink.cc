// SPDX-License-Identifier: GPL-3.0-or-later
#include "net/netlink.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <utility>

#include "cvirt/error.h"
#include "util/fd.h"

namespace cvirt::net {

namespace {

[[noreturn]] void fail(int err, const std::string& what) {
    throw Error(ErrorCode::OperationFailed, what + ": " + nl_geterror(err));
}

// Owners of libnl objects (move-only).
template <typename T, void (*Free)(T*)>
struct Owned {
    T* p = nullptr;
    Owned() = default;
    explicit Owned(T* q) : p(q) {}
    Owned(Owned&& o) noexcept : p(std::exchange(o.p, nullptr)) {}
    Owned& operator=(Owned&& o) noexcept {
        std::swap(p, o.p);
        return *this;
    }
    Owned(const Owned&) = delete;
    Owned& operator=(const Owned&) = delete;
    ~Owned() {
        if (p) Free(p);
    }
};
using LinkPtr = Owned<rtnl_link, rtnl_link_put>;
using AddrPtr = Owned<nl_addr, nl_addr_put>;
using CachePtr = Owned<nl_cache, nl_cache_free>;

AddrPtr parseAddress(const std::string& text, std::optional<unsigned> prefix,
                     int family = AF_UNSPEC) {
    AddrPtr a;
    int err = nl_addr_parse(text.c_str(), family, &a.p);
    if (err < 0) fail(err, "invalid address '" + text + "'");
    if (prefix) nl_addr_set_prefixlen(a.p, static_cast<int>(*prefix));
    return a;
}

std::string macText(rtnl_link* l) {
    nl_addr* a = rtnl_link_get_addr(l);
    if (!a) return {};
    char buf[64];
    return nl_addr2str(a, buf, sizeof buf);
}

}  // namespace

void Netlink::Deleter::operator()(nl_sock* sk) const noexcept {
    nl_socket_free(sk);
}

Netlink::~Netlink() = default;

Netlink Netlink::open() {
    nl_sock* sk = nl_socket_alloc();
    if (!sk) throw Error(ErrorCode::OperationFailed, "cannot allocate a netlink socket");
    Netlink nl(sk);
    if (int err = nl_connect(sk, NETLINK_ROUTE); err < 0) fail(err, "cannot open rtnetlink");
    return nl;
}

Netlink Netlink::openIn(int netnsFd) {
    util::Fd self(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!self) throwSystemError(errno, "cannot open this process's network namespace");
    if (::setns(netnsFd, CLONE_NEWNET) < 0)
        throwSystemError(errno, "cannot enter the container's network namespace");
    std::optional<Netlink> nl;
    std::optional<Error> error;
    try {
        nl = open();  // the socket stays bound to the namespace it was made in
    } catch (Error& e) {
        error = std::move(e);
    }
    if (::setns(self.get(), CLONE_NEWNET) < 0)
        throwSystemError(errno, "cannot return to the host's network namespace");
    if (error) throw std::move(*error);
    return std::move(*nl);
}

int Netlink::ifindex(const std::string& name) const {
    LinkPtr l;
    if (rtnl_link_get_kernel(sk_.get(), 0, name.c_str(), &l.p) < 0) return 0;
    return rtnl_link_get_ifindex(l.p);
}

void Netlink::createVeth(const std::string& hostName, const std::string& peerName, pid_t peerPid) {
    rtnl_link* link = rtnl_link_veth_alloc();
    if (!link) throw Error(ErrorCode::OperationFailed, "cannot allocate a veth");
    rtnl_link* peer = rtnl_link_veth_get_peer(link);
    rtnl_link_set_name(link, hostName.c_str());
    rtnl_link_set_name(peer, peerName.c_str());
    rtnl_link_set_ns_pid(peer, peerPid);
    int err = rtnl_link_add(sk_.get(), link, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_put(peer);
    rtnl_link_veth_release(link);
    if (err < 0) fail(err, "cannot create veth '" + hostName + "'");
}

void Netlink::createMacvlan(const std::string& name, const std::string& parent,
                            const std::string& mode, pid_t pid) {
    int parentIndex = ifindex(parent);
    if (!parentIndex)
        throw Error(ErrorCode::OperationFailed,
                    "cannot create macvlan: parent device '" + parent + "' does not exist");
    LinkPtr l(rtnl_link_macvlan_alloc());
    if (!l.p) throw Error(ErrorCode::OperationFailed, "cannot allocate a macvlan");
    rtnl_link_set_name(l.p, name.c_str());
    rtnl_link_set_link(l.p, parentIndex);
    int m = rtnl_link_macvlan_str2mode(mode.c_str());
    if (m < 0) throw Error(ErrorCode::InvalidArg, "unknown macvlan mode '" + mode + "'");
    rtnl_link_macvlan_set_mode(l.p, static_cast<uint32_t>(m));
    rtnl_link_set_ns_pid(l.p, pid);
    if (int err = rtnl_link_add(sk_.get(), l.p, NLM_F_CREATE | NLM_F_EXCL); err < 0)
        fail(err, "cannot create macvlan on '" + parent + "'");
}

namespace {
void createTyped(nl_sock* sk, const std::string& name, const char* type) {
    LinkPtr l(rtnl_link_alloc());
    rtnl_link_set_name(l.p, name.c_str());
    if (int err = rtnl_link_set_type(l.p, type); err < 0)
        fail(err, std::string("cannot create a ") + type);
    if (int err = rtnl_link_add(sk, l.p, NLM_F_CREATE | NLM_F_EXCL); err < 0)
        fail(err, std::string("cannot create ") + type + " '" + name + "'");
}
}  // namespace

void Netlink::createBridge(const std::string& name) {
    createTyped(sk_.get(), name, "bridge");
}
void Netlink::createDummy(const std::string& name) {
    createTyped(sk_.get(), name, "dummy");
}

void Netlink::deleteLink(const std::string& name) noexcept {
    LinkPtr l(rtnl_link_alloc());
    if (!l.p) return;
    rtnl_link_set_name(l.p, name.c_str());
    rtnl_link_delete(sk_.get(), l.p);
}

std::string Netlink::retireLink(const std::string& name) noexcept {
    int index = ifindex(name);
    if (!index) return {};
    char tomb[IFNAMSIZ];
    std::snprintf(tomb, sizeof tomb, "cvtgc%x", static_cast<unsigned>(index));
    LinkPtr orig, down(rtnl_link_alloc()), renamed(rtnl_link_alloc());
    // Two requests: the kernel renames before it applies flags, and a link that is up
    // cannot be renamed.
    if (down.p && renamed.p && rtnl_link_get_kernel(sk_.get(), index, nullptr, &orig.p) >= 0) {
        rtnl_link_unset_flags(down.p, IFF_UP);
        rtnl_link_set_name(renamed.p, tomb);
        if (rtnl_link_change(sk_.get(), orig.p, down.p, 0) >= 0 &&
            rtnl_link_change(sk_.get(), orig.p, renamed.p, 0) >= 0)
            return tomb;
    }
    deleteLink(name);
    return {};
}

namespace {
// Applies `fill` to a change of the existing link `name`.
template <typename F>
void change(nl_sock* sk, const std::string& name, const std::string& what, F fill) {
    LinkPtr orig;
    if (int err = rtnl_link_get_kernel(sk, 0, name.c_str(), &orig.p); err < 0)
        fail(err, what + ": no device '" + name + "'");
    LinkPtr ch(rtnl_link_alloc());
    fill(ch.p);
    if (int err = rtnl_link_change(sk, orig.p, ch.p, 0); err < 0) fail(err, what);
}
}  // namespace

void Netlink::enslave(const std::string& name, const std::string& bridge) {
    int master = ifindex(bridge);
    if (!master) throw Error(ErrorCode::OperationFailed, "bridge '" + bridge + "' does not exist");
    change(sk_.get(), name, "cannot add '" + name + "' to bridge '" + bridge + "'",
           [&](rtnl_link* c) { rtnl_link_set_master(c, master); });
}

void Netlink::moveToPid(const std::string& name, pid_t pid, const std::string& newName) {
    change(sk_.get(), name, "cannot move '" + name + "' into the container", [&](rtnl_link* c) {
        rtnl_link_set_ns_pid(c, pid);
        if (!newName.empty()) rtnl_link_set_name(c, newName.c_str());
    });
}

void Netlink::moveToNetns(const std::string& name, int netnsFd, const std::string& newName) {
    change(sk_.get(), name, "cannot move '" + name + "'", [&](rtnl_link* c) {
        rtnl_link_set_ns_fd(c, netnsFd);
        if (!newName.empty()) rtnl_link_set_name(c, newName.c_str());
    });
}

void Netlink::changeLink(const std::string& name, const LinkChange& lc) {
    AddrPtr mac;
    if (!lc.mac.empty()) mac = parseAddress(lc.mac, std::nullopt, AF_LLC);
    change(sk_.get(), name, "cannot configure '" + name + "'", [&](rtnl_link* c) {
        if (!lc.name.empty() && lc.name != name) rtnl_link_set_name(c, lc.name.c_str());
        if (mac.p) rtnl_link_set_addr(c, mac.p);
        if (lc.mtu) rtnl_link_set_mtu(c, *lc.mtu);
        if (lc.up) {
            if (*lc.up)
                rtnl_link_set_flags(c, IFF_UP);
            else
                rtnl_link_unset_flags(c, IFF_UP);
        }
    });
}

void Netlink::addAddress(const std::string& dev, const std::string& address, unsigned prefix,
                         const std::string& peer) {
    int index = ifindex(dev);
    if (!index) throw Error(ErrorCode::OperationFailed, "no device '" + dev + "'");
    AddrPtr local = parseAddress(address, prefix);
    rtnl_addr* a = rtnl_addr_alloc();
    rtnl_addr_set_ifindex(a, index);
    rtnl_addr_set_local(a, local.p);
    AddrPtr p;
    if (!peer.empty()) {
        p = parseAddress(peer, prefix);
        rtnl_addr_set_peer(a, p.p);
    }
    if (nl_addr_get_family(local.p) == AF_INET6) rtnl_addr_set_flags(a, IFA_F_NODAD);
    int err = rtnl_addr_add(sk_.get(), a, 0);
    rtnl_addr_put(a);
    if (err < 0)
        fail(err,
             "cannot add address " + address + "/" + std::to_string(prefix) + " to '" + dev + "'");
}

void Netlink::addRoute(const std::string& dev, const std::string& dest, unsigned prefix,
                       const std::string& gateway, std::optional<unsigned> metric) {
    int index = ifindex(dev);
    if (!index) throw Error(ErrorCode::OperationFailed, "no device '" + dev + "'");
    AddrPtr dst = parseAddress(dest, prefix);
    rtnl_route* r = rtnl_route_alloc();
    rtnl_route_set_family(r, static_cast<uint8_t>(nl_addr_get_family(dst.p)));
    rtnl_route_set_dst(r, dst.p);
    rtnl_route_set_table(r, RT_TABLE_MAIN);
    rtnl_route_set_protocol(r, RTPROT_STATIC);
    rtnl_route_set_scope(r, gateway.empty() ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
    if (metric) rtnl_route_set_priority(r, *metric);
    rtnl_nexthop* nh = rtnl_route_nh_alloc();
    rtnl_route_nh_set_ifindex(nh, index);
    AddrPtr gw;
    if (!gateway.empty()) {
        gw = parseAddress(gateway, std::nullopt);
        rtnl_route_nh_set_gateway(nh, gw.p);
    }
    rtnl_route_add_nexthop(r, nh);  // the route owns it now
    int err = rtnl_route_add(sk_.get(), r, NLM_F_CREATE);
    rtnl_route_put(r);
    if (err < 0)
        fail(err, "cannot add route to " + dest + "/" + std::to_string(prefix) +
                      (gateway.empty() ? "" : " via " + gateway) + " on '" + dev + "'");
}

namespace {
Netlink::LinkInfo infoOf(rtnl_link* l, nl_cache* cache) {
    Netlink::LinkInfo i;
    i.name = rtnl_link_get_name(l) ? rtnl_link_get_name(l) : "";
    i.mac = macText(l);
    if (const char* kind = rtnl_link_get_type(l)) i.kind = kind;
    i.index = rtnl_link_get_ifindex(l);
    i.up = rtnl_link_get_flags(l) & IFF_UP;
    i.mtu = rtnl_link_get_mtu(l);
    if (int m = rtnl_link_get_master(l); m > 0 && cache) {
        char buf[IFNAMSIZ];
        if (rtnl_link_i2name(cache, m, buf, sizeof buf)) i.master = buf;
    }
    i.rxBytes = rtnl_link_get_stat(l, RTNL_LINK_RX_BYTES);
    i.rxPackets = rtnl_link_get_stat(l, RTNL_LINK_RX_PACKETS);
    i.rxErrors = rtnl_link_get_stat(l, RTNL_LINK_RX_ERRORS);
    i.rxDropped = rtnl_link_get_stat(l, RTNL_LINK_RX_DROPPED);
    i.txBytes = rtnl_link_get_stat(l, RTNL_LINK_TX_BYTES);
    i.txPackets = rtnl_link_get_stat(l, RTNL_LINK_TX_PACKETS);
    i.txErrors = rtnl_link_get_stat(l, RTNL_LINK_TX_ERRORS);
    i.txDropped = rtnl_link_get_stat(l, RTNL_LINK_TX_DROPPED);
    return i;
}
}  // namespace

std::optional<Netlink::LinkInfo> Netlink::link(const std::string& name) const {
    LinkPtr l;
    if (rtnl_link_get_kernel(sk_.get(), 0, name.c_str(), &l.p) < 0) return std::nullopt;
    LinkInfo info = infoOf(l.p, nullptr);
    if (int m = rtnl_link_get_master(l.p); m > 0) {
        LinkPtr master;
        if (rtnl_link_get_kernel(sk_.get(), m, nullptr, &master.p) >= 0 &&
            rtnl_link_get_name(master.p))
            info.master = rtnl_link_get_name(master.p);
    }
    return info;
}

std::vector<Netlink::LinkInfo> Netlink::links() const {
    CachePtr cache;
    if (int err = rtnl_link_alloc_cache(sk_.get(), AF_UNSPEC, &cache.p); err < 0)
        fail(err, "cannot list network devices");
    std::vector<LinkInfo> out;
    for (nl_object* o = nl_cache_get_first(cache.p); o; o = nl_cache_get_next(o))
        out.push_back(infoOf(reinterpret_cast<rtnl_link*>(o), cache.p));
    return out;
}

std::vector<Netlink::AddressInfo> Netlink::addresses() const {
    CachePtr links, addrs;
    if (int err = rtnl_link_alloc_cache(sk_.get(), AF_UNSPEC, &links.p); err < 0)
        fail(err, "cannot list network devices");
    if (int err = rtnl_addr_alloc_cache(sk_.get(), &addrs.p); err < 0)
        fail(err, "cannot list addresses");
    std::vector<AddressInfo> out;
    for (nl_object* o = nl_cache_get_first(addrs.p); o; o = nl_cache_get_next(o)) {
        auto* a = reinterpret_cast<rtnl_addr*>(o);
        AddressInfo i;
        char buf[128];
        if (rtnl_link_i2name(links.p, rtnl_addr_get_ifindex(a), buf, sizeof buf)) i.dev = buf;
        i.family = rtnl_addr_get_family(a);
        nl_addr* local = rtnl_addr_get_local(a);
        if (!local) continue;
        i.prefix = static_cast<unsigned>(rtnl_addr_get_prefixlen(a));
        // nl_addr2str appends "/prefix" when the address carries one
        std::string text = nl_addr2str(local, buf, sizeof buf);
        i.address = text.substr(0, text.find('/'));
        out.push_back(i);
    }
    return out;
}

}  // namespace cvirt::net
