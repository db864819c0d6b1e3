// SPDX-License-Identifier: GPL-3.0-or-later
// Small helpers shared by the element parsers: error messages that name file, line and
// element, number and enum parsing with overflow checks, and scaled memory values.
#pragma once

#include <pugixml.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/name_table.h"

namespace cvirt::conf {

class XmlContext {
public:
    XmlContext(std::string_view filename, std::string_view text);

    int lineOf(pugi::xml_node node) const;
    // Throws Error(XmlError, "FILE:LINE: <element>: message").
    [[noreturn]] void fail(pugi::xml_node node, std::string_view message) const;
    std::string_view filename() const { return filename_; }

private:
    std::string_view filename_;
    std::vector<size_t> lineStarts_;  // offsets where each line begins
};

// Attribute text, or nullopt when absent.
std::optional<std::string_view> attrOf(pugi::xml_node node, const char* name);
// Trimmed text content of a child element, or nullopt when the child is absent.
std::optional<std::string> childText(pugi::xml_node node, const char* name);
std::string trimmed(std::string_view s);

// Why `name` cannot name a network device (the kernel's rules: 1 to 15 characters, no '/',
// ':' or white space, not "." or ".."; and no '"', '\' or control character, as names are
// quoted in nftables rules), or nullopt. Names reach sysfs paths, netlink and nft.
std::optional<std::string> ifNameProblem(std::string_view name);
// Why `path` cannot be a path inside a container's root (relative, with a ".." component,
// longer than PATH_MAX or with a component longer than NAME_MAX), or nullopt.
std::optional<std::string> containerPathProblem(std::string_view path);

// For elements whose <source> means something else for each kind (interface, filesystem,
// disk type): every field in `all` that `source` has but the kind does not use (`used`) is
// refused, "KIND has no source 'FIELD'", so nothing is kept that format would not write back.
// A field named "<x>" is the child element x, others are attributes.
void refuseForeignFields(const XmlContext& ctx, pugi::xml_node source, std::string_view kind,
                         std::initializer_list<std::string_view> all,
                         std::initializer_list<std::string_view> used);

// The shape of `node` where the schema's zeroOrMore/choice patterns leave libxml2 blaming
// another element (an <alias> in <console> was reported as a bad <target>): each element
// child must be one of `children` and appear once ("NAME*": any number of times), each
// attribute one of `attributes`.
// The error names the child or attribute at fault.
void refuseUnknownParts(const XmlContext& ctx, pugi::xml_node node,
                        std::initializer_list<std::string_view> children,
                        std::initializer_list<std::string_view> attributes);
// An element that is all attributes (<target dir=…/>, <mac address=…/>): any other attribute,
// a child element or text in it is refused, naming it.
void refuseNonEmpty(const XmlContext& ctx, pugi::xml_node node,
                    std::initializer_list<std::string_view> attributes);
// Each attribute in `required` present on `node`, else "missing attribute 'NAME'".
void requireAttributes(const XmlContext& ctx, pugi::xml_node node,
                       std::initializer_list<const char*> required);
// A device's <address> (libvirt's guest bus address) is refused naming it: cvirt places the
// devices of a VM itself, and a container's devices have none.
void refuseDeviceAddress(const XmlContext& ctx, pugi::xml_node device);

// Refuses, naming file, line, element and attribute, any attribute value or text below
// `root` that textProblem() finds fault with. Elements named in `freeText` (and everything
// inside them) are TextKind::FreeText; in the others, white space around a text is layout
// (the parsers trim it) except in elements named in `verbatim`, whose text is kept as is.
void refuseBadText(const XmlContext& ctx, pugi::xml_node root,
                   std::initializer_list<std::string_view> freeText,
                   std::initializer_list<std::string_view> verbatim);

// Refuses the first child element of `node` not named in `allowed`, or named twice, naming
// it: libxml2 blames the first child for any wrong one, so the element parsers say which.
void refuseOtherChildren(const XmlContext& ctx, pugi::xml_node node,
                         std::initializer_list<std::string_view> allowed);
// "16", "0x10": libvirt writes some numbers (PCI ports) in hexadecimal.
unsigned parseU32OrHex(const XmlContext& ctx, pugi::xml_node node, std::string_view text,
                       std::string_view what);

uint64_t parseU64(const XmlContext& ctx, pugi::xml_node node, std::string_view text,
                  std::string_view what);
int64_t parseI64(const XmlContext& ctx, pugi::xml_node node, std::string_view text,
                 std::string_view what);
unsigned parseU32(const XmlContext& ctx, pugi::xml_node node, std::string_view text,
                  std::string_view what);

// The largest size in KiB whose byte count fits 64 bits (16 EiB less 1 KiB).
inline constexpr uint64_t kMaxKiB = UINT64_MAX / 1024;
// Value `text` scaled by libvirt unit `unit` (empty = `defaultUnit`), returned in KiB rounded
// up. Units: b bytes k KB KiB M MB MiB G GB GiB T TB TiB P PB PiB E EB EiB (case-insensitive
// like libvirt). Errors name the unit or report "numerical overflow" (above kMaxKiB).
uint64_t parseScaledKiB(const XmlContext& ctx, pugi::xml_node node, std::string_view text,
                        std::string_view unit, std::string_view defaultUnit = "KiB");
// <elem unit='…'>N</elem> → KiB
uint64_t parseScaledElementKiB(const XmlContext& ctx, pugi::xml_node elem);

template <typename E, std::size_t N>
E parseEnum(const XmlContext& ctx, pugi::xml_node node, const NameTable<E, N>& table,
            std::string_view text, std::string_view what) {
    if (auto v = table.find(text)) return *v;
    ctx.fail(node, "unknown " + std::string(what) + " '" + std::string(text) + "'");
}

// Format helpers: <name>text</name>, <name unit='KiB'>N</name>.
pugi::xml_node appendText(pugi::xml_node parent, const char* name, std::string_view text);
// The document as libvirt writes it: two-space indent, single quotes, "<x/>", no declaration.
std::string saveDocument(const pugi::xml_document& doc);
pugi::xml_node appendKiB(pugi::xml_node parent, const char* name, uint64_t kib);
void setAttr(pugi::xml_node node, const char* name, std::string_view value);
void setAttr(pugi::xml_node node, const char* name, uint64_t value);

}  // namespace cvirt::conf
