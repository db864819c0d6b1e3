// SPDX-License-Identifier: GPL-3.0-or-later
#include "conf/xml_util.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <sstream>

#include "conf/text_check.h"
#include "cvirt/error.h"
#include "cvirt/units.h"

namespace cvirt::conf {

XmlContext::XmlContext(std::string_view filename, std::string_view text) : filename_(filename) {
    lineStarts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') lineStarts_.push_back(i + 1);
}

int XmlContext::lineOf(pugi::xml_node node) const {
    ptrdiff_t off = node.offset_debug();
    if (off < 0) return 0;
    auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), static_cast<size_t>(off));
    return static_cast<int>(it - lineStarts_.begin());
}

void XmlContext::fail(pugi::xml_node node, std::string_view message) const {
    std::string text(filename_);
    if (int line = lineOf(node); line > 0) text += ":" + std::to_string(line);
    text += ": ";
    if (node && node.type() == pugi::node_element) text += "<" + std::string(node.name()) + ">: ";
    text += message;
    throw Error(ErrorCode::XmlError, std::move(text));
}

std::optional<std::string_view> attrOf(pugi::xml_node node, const char* name) {
    pugi::xml_attribute a = node.attribute(name);
    if (!a) return std::nullopt;
    return std::string_view(a.value());
}

std::optional<std::string> ifNameProblem(std::string_view name) {
    if (name.empty() || name.size() > 15) return "must have 1 to 15 characters";
    if (name == "." || name == "..") return "must not be '.' or '..'";
    for (char c : name)
        if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)))
            return "must not contain '/', ':' or white space";
    // Names are written, quoted, into nftables rules: a quote or backslash would end the
    // string there.
    for (char c : name)
        if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return "must not contain '\"', '\\' or control characters";
    return std::nullopt;
}

void refuseForeignFields(const XmlContext& ctx, pugi::xml_node source, std::string_view kind,
                         std::initializer_list<std::string_view> all,
                         std::initializer_list<std::string_view> used) {
    for (std::string_view field : all) {
        bool child = field.size() > 2 && field.front() == '<' && field.back() == '>';
        std::string name(child ? field.substr(1, field.size() - 2) : field);
        bool present =
            child ? bool(source.child(name.c_str())) : bool(source.attribute(name.c_str()));
        if (!present || std::find(used.begin(), used.end(), field) != used.end()) continue;
        ctx.fail(source, std::string(kind) + " has no source " +
                             (child ? std::string(field) : "'" + name + "'"));
    }
}

namespace {

// Each element child of `node` one of `children`, once ("NAME*": any number of times);
// `where` follows the name of one that is not.
void refuseChildren(const XmlContext& ctx, pugi::xml_node node,
                    std::initializer_list<std::string_view> children, const std::string& where) {
    for (pugi::xml_node c : node.children()) {
        if (c.type() != pugi::node_element) continue;
        std::string_view name = c.name();
        bool once = std::find(children.begin(), children.end(), name) != children.end();
        bool many =
            std::find(children.begin(), children.end(), std::string(name) + "*") != children.end();
        if (!once && !many) ctx.fail(c, "unexpected element <" + std::string(name) + ">" + where);
        pugi::xml_node first = node.child(c.name());
        if (once && first != c)
            ctx.fail(c, "element appears twice (first at line " +
                            std::to_string(ctx.lineOf(first)) + ")");
    }
}

}  // namespace

void refuseUnknownParts(const XmlContext& ctx, pugi::xml_node node,
                        std::initializer_list<std::string_view> children,
                        std::initializer_list<std::string_view> attributes) {
    for (pugi::xml_attribute a : node.attributes()) {
        std::string_view name = a.name();
        if (name.starts_with("xmlns")) continue;
        if (std::find(attributes.begin(), attributes.end(), name) == attributes.end())
            ctx.fail(node, "unknown attribute '" + std::string(name) + "'");
    }
    refuseChildren(ctx, node, children, "");
}

void refuseNonEmpty(const XmlContext& ctx, pugi::xml_node node,
                    std::initializer_list<std::string_view> attributes) {
    refuseUnknownParts(ctx, node, {}, attributes);
    for (pugi::xml_node c : node.children())
        if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata)
            if (std::string_view(c.value()).find_first_not_of(" \t\r\n") != std::string::npos)
                ctx.fail(node, "unexpected text in an empty element");
}

void requireAttributes(const XmlContext& ctx, pugi::xml_node node,
                       std::initializer_list<const char*> required) {
    for (const char* name : required)
        if (!node.attribute(name)) ctx.fail(node, "missing attribute '" + std::string(name) + "'");
}

void refuseDeviceAddress(const XmlContext& ctx, pugi::xml_node device) {
    if (pugi::xml_node a = device.child("address"))
        ctx.fail(a, "a device address is not supported in <" + std::string(device.name()) +
                        "> (cvirt places devices itself)");
}

std::optional<std::string> containerPathProblem(std::string_view path) {
    constexpr size_t kPathMax = 4095, kNameMax = 255;  // PATH_MAX, NAME_MAX less the NUL
    if (path.empty() || path[0] != '/') return "must be an absolute path";
    if (auto why = textProblem(path)) return why;
    if (path.size() > kPathMax)
        return "is " + std::to_string(path.size()) + " bytes long (at most " +
               std::to_string(kPathMax) + ")";
    size_t i = 0;
    while (i < path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        if (path.substr(i, j - i) == "..") return "must not contain '..'";
        if (j - i > kNameMax)
            return "has a component of " + std::to_string(j - i) + " bytes (at most " +
                   std::to_string(kNameMax) + ")";
        i = j + 1;
    }
    return std::nullopt;
}

namespace {
bool named(pugi::xml_node n, std::initializer_list<std::string_view> names) {
    for (std::string_view name : names)
        if (name == n.name()) return true;
    return false;
}

void checkText(const XmlContext& ctx, pugi::xml_node n,
               std::initializer_list<std::string_view> freeText,
               std::initializer_list<std::string_view> verbatim, bool free) {
    free = free || named(n, freeText);
    TextKind kind = free ? TextKind::FreeText : TextKind::Value;
    for (pugi::xml_attribute a : n.attributes())
        if (auto why = textProblem(a.value(), kind))
            ctx.fail(n, "attribute '" + std::string(a.name()) + "' " + *why);
    for (pugi::xml_node c : n.children()) {
        if (c.type() == pugi::node_element) {
            checkText(ctx, c, freeText, verbatim, free);
        } else if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
            std::string_view text = c.value();
            std::string edges;
            if (!free && !named(n, verbatim)) text = edges = trimmed(text);
            if (auto why = textProblem(text, kind)) ctx.fail(n, "text " + *why);
        }
    }
}
}  // namespace

void refuseBadText(const XmlContext& ctx, pugi::xml_node root,
                   std::initializer_list<std::string_view> freeText,
                   std::initializer_list<std::string_view> verbatim) {
    checkText(ctx, root, freeText, verbatim, false);
}

std::string trimmed(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
        --e;
    return std::string(s.substr(b, e - b));
}

std::optional<std::string> childText(pugi::xml_node node, const char* name) {
    pugi::xml_node c = node.child(name);
    if (!c) return std::nullopt;
    return trimmed(c.text().get());
}

uint64_t parseU64(const XmlContext& ctx, pugi::xml_node node, std::string_view text,
                  std::string_view what) {
    std::string t = trimmed(text);
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec == std::errc::result_out_of_range)
        ctx.fail(node, "numerical overflow: " + std::string(what) + " '" + t + "' is too large");
    if (ec != std::errc{} || p != t.data() + t.size() || t.empty())
        ctx.fail(node,
                 "invalid " + std::string(what) + " '" + t + "': expected an unsigned number");
    return v;
}

int64_t parseI64(const XmlContext& ctx, pugi::xml_node node, std::string_view text,
                 std::string_view what) {
    std::string t = trimmed(text);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec == std::errc::result_out_of_range)
        ctx.fail(node, "numerical overflow: " + std::string(what) + " '" + t + "' is out of range");
    if (ec != std::errc{} || p != t.data() + t.size() || t.empty())
        ctx.fail(node, "invalid " + std::string(what) + " '" + t + "': expected a number");
    return v;
}

unsigned parseU32(const XmlContext& ctx, pugi::xml_node node, std::string_view text,
                  std::string_view what) {
    uint64_t v = parseU64(ctx, node, text, what);
    if (v > std::numeric_limits<unsigned>::max())
        ctx.fail(node, "numerical overflow: " + std::string(what) + " '" + trimmed(text) +
                           "' is too large");
    return static_cast<unsigned>(v);
}

void refuseOtherChildren(const XmlContext& ctx, pugi::xml_node node,
                         std::initializer_list<std::string_view> allowed) {
    refuseChildren(ctx, node, allowed, " in <" + std::string(node.name()) + ">");
}

unsigned parseU32OrHex(const XmlContext& ctx, pugi::xml_node node, std::string_view text,
                       std::string_view what) {
    std::string t = trimmed(text);
    if (t.size() <= 2 || (t.rfind("0x", 0) != 0 && t.rfind("0X", 0) != 0))
        return parseU32(ctx, node, t, what);
    unsigned v = 0;
    auto [p, ec] = std::from_chars(t.data() + 2, t.data() + t.size(), v, 16);
    if (ec != std::errc{} || p != t.data() + t.size())
        ctx.fail(node, "invalid " + std::string(what) + " '" + t + "'");
    return v;
}

uint64_t parseScaledKiB(const XmlContext& ctx, pugi::xml_node node, std::string_view text,
                        std::string_view unit, std::string_view defaultUnit) {
    if (unit.empty()) unit = defaultUnit;
    uint64_t scale = unitScale(unit);
    if (scale == 0) ctx.fail(node, "unknown unit '" + std::string(unit) + "'");
    uint64_t value = parseU64(ctx, node, text, "value");
    if (value != 0 && scale > std::numeric_limits<uint64_t>::max() / value)
        ctx.fail(node, "numerical overflow: value '" + trimmed(text) + "' " + std::string(unit) +
                           " is too large");
    uint64_t bytes = value * scale;
    uint64_t kib = bytes / 1024 + (bytes % 1024 ? 1 : 0);
    // Stored in KiB, read back as KiB × 1024: a size that rounds up past what that holds
    // would define, then make the stored config unreadable.
    if (kib > kMaxKiB)
        ctx.fail(node, "numerical overflow: value '" + trimmed(text) + "' " + std::string(unit) +
                           " is too large (at most " + std::to_string(kMaxKiB) + " KiB)");
    return kib;
}

uint64_t parseScaledElementKiB(const XmlContext& ctx, pugi::xml_node elem) {
    return parseScaledKiB(ctx, elem, elem.text().get(), attrOf(elem, "unit").value_or(""));
}

pugi::xml_node appendText(pugi::xml_node parent, const char* name, std::string_view text) {
    pugi::xml_node n = parent.append_child(name);
    n.append_child(pugi::node_pcdata).set_value(std::string(text).c_str());
    return n;
}

pugi::xml_node appendKiB(pugi::xml_node parent, const char* name, uint64_t kib) {
    pugi::xml_node n = parent.append_child(name);
    n.append_attribute("unit").set_value("KiB");
    n.append_child(pugi::node_pcdata).set_value(std::to_string(kib).c_str());
    return n;
}

void setAttr(pugi::xml_node node, const char* name, std::string_view value) {
    node.append_attribute(name).set_value(std::string(value).c_str());
}

void setAttr(pugi::xml_node node, const char* name, uint64_t value) {
    node.append_attribute(name).set_value(std::to_string(value).c_str());
}

namespace {
// pugixml writes empty elements as "<x />"; libvirt writes "<x/>". Drop that space outside
// attribute values (where " />" may legitimately appear).
std::string tightenEmptyTags(const std::string& in) {
    std::string out;
    out.reserve(in.size());
    bool inTag = false;
    char quote = 0;
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (inTag && (c == '\'' || c == '"')) {
            quote = c;
        } else if (c == '<') {
            inTag = true;
        } else if (c == '>') {
            inTag = false;
        } else if (inTag && c == ' ' && i + 2 < in.size() && in[i + 1] == '/' && in[i + 2] == '>') {
            continue;
        }
        out += c;
    }
    return out;
}
}  // namespace

std::string saveDocument(const pugi::xml_document& doc) {
    std::ostringstream out;
    doc.save(
        out, "  ",
        pugi::format_indent | pugi::format_no_declaration | pugi::format_attribute_single_quote,
        pugi::encoding_utf8);
    return tightenEmptyTags(out.str());
}

}  // namespace cvirt::conf
