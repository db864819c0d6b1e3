// SPDX-License-Identifier: GPL-3.0-or-later
// A definition's free text and other programs' XML: desc, metadata.
#include "commands/common.h"
#include "commands/editor.h"
#include "cvirt/error.h"

namespace cvirt::shell {

namespace {

void declareMetadataImpact(po::options_description& opts) {
    opts.add_options()("live", "modify/get running state")(
        "config", "modify/get persistent configuration")("current",
                                                         "modify/get current state configuration");
}

void declareDesc(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    declareMetadataImpact(opts);
    opts.add_options()("title", "modify/get the title instead of description")(
        "edit", "open an editor to modify the description")(
        "new-desc", po::value<std::vector<std::string>>(), "message");
    pos.add("new-desc", -1);
}
int cmdDesc(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    Impact impact = impactOf(args);
    bool title = flag(args, "title");
    MetadataKind kind = title ? MetadataKind::Title : MetadataKind::Description;
    bool edit = flag(args, "edit");
    const char* what = title ? "title" : "description";
    if (!args.count("new-desc") && !edit) {
        auto text = inLibvirtWords(d, [&] { return d.metadata(kind, {}, impact); });
        // virsh's desc ends none of its lines: the blank line after a command ends them
        if (text)
            s.out() << *text;
        else
            s.out() << "No " << what << " for domain: " << d.name();
        return 0;
    }
    // virsh joins the words of the message with single spaces; --edit starts from them, or
    // from the text the domain has
    std::string text;
    if (args.count("new-desc"))
        for (const auto& w : args["new-desc"].as<std::vector<std::string>>())
            text += (text.empty() ? "" : " ") + w;
    else
        text = inLibvirtWords(d, [&] { return d.metadata(kind, {}, impact); }).value_or("");
    if (edit) {
        std::string edited = editText(text, ".txt");
        // an editor may end the file with a newline: one is dropped, as virsh does
        if (edited.ends_with('\n')) edited.pop_back();
        if (edited == text) {
            s.info() << "Domain " << what << " not changed\n";
            return 0;
        }
        text = edited;
    }
    failingAs(std::string("Failed to set new domain ") + what, "",
              [&] { d.setMetadata(kind, text, {}, {}, impact); });
    s.out() << "Domain " << what << " updated successfully";
    return 0;
}

void declareMetadata(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("domain", po::value<std::string>()->required(), "domain name, id or uuid")(
        "uri", po::value<std::string>()->required(), "URI of the namespace");
    pos.add("domain", 1).add("uri", 1);
    declareMetadataImpact(opts);
    opts.add_options()("key", po::value<std::string>(), "key to be used as a namespace identifier")(
        "edit", "use an editor to change the metadata")("set", po::value<std::string>(),
                                                        "new metadata to set")(
        "remove", "remove the metadata corresponding to an uri");
}
int cmdMetadata(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    Impact impact = impactOf(args);
    std::string uri = args["uri"].as<std::string>();
    bool remove = flag(args, "remove");
    bool edit = flag(args, "edit");
    if (edit && args.count("set"))
        throw Error(ErrorCode::InvalidArg, "Options --edit and --set are mutually exclusive");
    if (remove && args.count("set"))
        throw Error(ErrorCode::InvalidArg, "Options --set and --remove are mutually exclusive");
    if (remove && edit)
        throw Error(ErrorCode::InvalidArg, "Options --remove and --edit are mutually exclusive");
    if (edit) {
        if (!args.count("key"))
            throw Error(ErrorCode::InvalidArg, "namespace key is required when modifying metadata");
        std::string key = args["key"].as<std::string>();
        // virsh edits "\n" when the namespace has no element yet
        std::string text = inLibvirtWords(d, [&] {
                               return d.metadata(MetadataKind::Element, uri, impact);
                           }).value_or("\n");
        bool changed = editUntilApplied(
            s, text, ".xml",
            [&](const std::string& edited, const std::string&) {
                d.setMetadata(MetadataKind::Element, edited, key, uri, impact);
            },
            "edit of the metadata of domain '" + d.name() + "' abandoned");
        // virsh: the not-changed line has no newline of its own
        if (changed)
            s.info() << "Metadata modified\n";
        else
            s.info() << "Metadata not changed";
        return 0;
    }
    if (args.count("set") || remove) {
        if (!args.count("key") && !remove)
            throw Error(ErrorCode::InvalidArg, "namespace key is required when modifying metadata");
        std::string key = args.count("key") ? args["key"].as<std::string>() : "";
        std::optional<std::string> value;
        if (!remove) value = args["set"].as<std::string>();
        inLibvirtWords(d, [&] { d.setMetadata(MetadataKind::Element, value, key, uri, impact); });
        s.info() << (remove ? "Metadata removed\n" : "Metadata modified\n");
        return 0;
    }
    auto element =
        inLibvirtWords(d, [&] { return d.metadata(MetadataKind::Element, uri, impact); });
    if (!element)
        throw Error(ErrorCode::OperationInvalid,
                    "metadata not found: Requested metadata element is not present");
    s.out() << *element;
    return 0;
}

}  // namespace

std::vector<Command> metadataCommands() {
    return {
        {"desc", "domain", "show or set domain's description or title",
         "Allows setting or modifying the description or title of a domain.", declareDesc, cmdDesc,
         Complete::Domain},
        {"metadata", "domain", "show or set domain's custom XML metadata",
         "Shows or modifies the XML metadata of a domain: one element per namespace URI, kept "
         "with the definition.",
         declareMetadata, cmdMetadata, Complete::Domain},
    };
}

}  // namespace cvirt::shell
