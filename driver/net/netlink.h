// SPDX-License-Identifier: GPL-3.0-or-later
// rtnetlink through libnl-route-3: one RAII socket per network namespace, and the link,
// address and route operations cvirt needs. Every failure throws Error naming the device and
// libnl's reason.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct nl_sock;

namespace cvirt::net {

class Netlink {
public:
    // A NETLINK_ROUTE socket in the caller's network namespace.
    static Netlink open();
    // One in the namespace of `netnsFd` (the caller's namespace is restored on return).
    static Netlink openIn(int netnsFd);

    Netlink(Netlink&&) noexcept = default;
    Netlink& operator=(Netlink&&) noexcept = default;
    ~Netlink();

    // 0 when there is no such device.
    int ifindex(const std::string& name) const;
    bool exists(const std::string& name) const { return ifindex(name) != 0; }

    // A veth pair: `hostName` here, `peerName` in the namespace of process `peerPid`.
    void createVeth(const std::string& hostName, const std::string& peerName, pid_t peerPid);
    // A macvlan on `parent`, created straight into the namespace of `pid` as `name`.
    void createMacvlan(const std::string& name, const std::string& parent, const std::string& mode,
                       pid_t pid);
    void createBridge(const std::string& name);
    void createDummy(const std::string& name);
    void deleteLink(const std::string& name) noexcept;
    // Takes `name` out of use at once: down, then renamed to "cvtgc" + its ifindex in hex
    // (unique while it exists), so a new link may take the name right away. Returns the new
    // name, "" when there is no such link or it cannot be renamed (then it is deleted here).
    // Deleting a veth costs tens of milliseconds (the kernel waits for RCU); a retired link is
    // deleted later, off the caller's path.
    std::string retireLink(const std::string& name) noexcept;
    // Enslaves `name` to bridge `bridge` (which must exist).
    void enslave(const std::string& name, const std::string& bridge);
    // Moves `name` into the namespace of `pid` (or of `netnsFd`), renamed to `newName`.
    void moveToPid(const std::string& name, pid_t pid, const std::string& newName = {});
    void moveToNetns(const std::string& name, int netnsFd, const std::string& newName = {});

    struct LinkChange {
        std::string name;  // rename to
        std::string mac;   // aa:bb:cc:dd:ee:ff
        std::optional<unsigned> mtu;
        std::optional<bool> up;
    };
    void changeLink(const std::string& name, const LinkChange& change);
    // "10.0.0.2", prefix 24, optional peer; family from the text.
    void addAddress(const std::string& dev, const std::string& address, unsigned prefix,
                    const std::string& peer = {});
    // Destination "0.0.0.0"/0 or "::"/0 is the default route; gateway may be empty.
    void addRoute(const std::string& dev, const std::string& dest, unsigned prefix,
                  const std::string& gateway, std::optional<unsigned> metric);

    struct LinkInfo {
        std::string name, mac;
        std::string kind;  // "veth", "macvlan", "bridge", … ("" for physical devices)
        int index = 0;
        bool up = false;
        unsigned mtu = 0;
        std::string master;  // bridge name, if enslaved
        uint64_t rxBytes = 0, rxPackets = 0, rxErrors = 0, rxDropped = 0;
        uint64_t txBytes = 0, txPackets = 0, txErrors = 0, txDropped = 0;
    };
    std::optional<LinkInfo> link(const std::string& name) const;
    std::vector<LinkInfo> links() const;

    struct AddressInfo {
        std::string dev;
        int family = 0;  // AF_INET, AF_INET6
        std::string address;
        unsigned prefix = 0;
    };
    std::vector<AddressInfo> addresses() const;

private:
    explicit Netlink(nl_sock* sk) : sk_(sk) {}
    struct Deleter {
        void operator()(nl_sock* sk) const noexcept;
    };
    std::unique_ptr<nl_sock, Deleter> sk_;
};

}  // namespace cvirt::net
