// SPDX-License-Identifier: GPL-3.0-or-later
// nftables through libnftables: run a batch of nft commands, or list a table, in the
// caller's network namespace. Errors carry nft's own message.
#pragma once

#include <string>

namespace cvirt::net {

// Runs `commands` (nft syntax, one per line) as one transaction.
void nftRun(const std::string& commands);
// `nft list table FAMILY NAME`, or "" when there is no such table.
std::string nftListTable(const std::string& family, const std::string& name);

}  // namespace cvirt::net
