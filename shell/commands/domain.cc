// SPDX-License-Identifier: GPL-3.0-or-later
// Definitions: define, undefine, dumpxml, edit, autostart, domuuid, domname, domid.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "commands/common.h"
#include "commands/editor.h"
#include "cvirt/error.h"
#include "engine/file.h"
#include "engine/xpath.h"

namespace cvirt::shell {

namespace {

void declareFile(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("file", po::value<std::string>()->required(),
                       "file containing an XML domain description");
    pos.add("file", 1);
}

void declareDefine(po::options_description& opts, po::positional_options_description& pos) {
    declareFile(opts, pos);
    opts.add_options()("validate", "validate the XML against the schema");
}
int cmdDefine(Session& s, const po::variables_map& args) {
    std::string file = args["file"].as<std::string>();
    std::string xml = readFile(file);
    Domain d = failingAs("Failed to define domain from " + file, "",
                         [&] { return s.connection().define(xml, file, flag(args, "validate")); });
    s.info() << "Domain '" << d.name() << "' defined from " << file << "\n";
    return 0;
}

int cmdUndefine(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    act(d, "Failed to undefine domain", [&] { d.undefine(flag(args, "snapshots-metadata")); });
    s.info() << "Domain '" << d.name() << "' has been undefined\n";
    return 0;
}

// virsh's options; cvirt keeps no managed save images, storage pool volumes of a domain or
// checkpoints: accepted, there is nothing of theirs to remove.
void declareUndefine(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("managed-save", "remove domain managed state file (cvirt keeps none)")(
        "remove-all-storage",
        "remove all associated storage volumes (cvirt manages no storage pool: none)")(
        "snapshots-metadata",
        "remove all domain snapshot metadata and what they hold, if inactive")(
        "checkpoints-metadata", "remove all domain checkpoint metadata (cvirt keeps none)");
}

void declareDumpxml(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("inactive", "show inactive defined XML")(
        "security-info",
        "include security sensitive information in XML dump (cvirt's XML "
        "holds none: the same document)")("xpath", po::value<std::string>(),
                                          "xpath expression to filter the XML document")(
        "wrap", "wrap xpath results in an common root element");
}
int cmdDumpxml(Session& s, const po::variables_map& args) {
    std::string xml = lookupDomain(s, args).xml(flag(args, "inactive"));
    if (args.count("xpath"))
        s.out() << selectXPath(xml, args["xpath"].as<std::string>(), flag(args, "wrap"));
    else
        s.out() << xml;
    return 0;
}

// virsh's loop: edit, redefine; on error offer to edit again.
int cmdEdit(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    std::string name;
    bool changed = editUntilApplied(
        s, d.xml(true), ".xml",
        [&](const std::string& edited, const std::string& path) {
            name = s.connection().define(edited, path).name();
        },
        "edit of domain '" + d.name() + "' abandoned");
    if (changed)
        s.info() << "Domain '" << name << "' XML configuration edited.\n";
    else
        s.info() << "Domain '" << d.name() << "' XML configuration not changed.\n";
    return 0;
}

void declareAutostart(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("disable", "disable autostarting");
}
int cmdAutostart(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    bool disable = flag(args, "disable");
    d.setAutostart(!disable);
    s.info() << "Domain '" << d.name() << "' " << (disable ? "unmarked" : "marked")
             << " as autostarted\n";
    return 0;
}

int cmdDomuuid(Session& s, const po::variables_map& args) {
    s.out() << lookupDomain(s, args).summary().uuid << "\n";
    return 0;
}

void declareDomname(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("domain", po::value<std::string>()->required(), "domain id or uuid");
    pos.add("domain", 1);
}
int cmdDomname(Session& s, const po::variables_map& args) {
    s.out() << lookupDomain(s, args).name() << "\n";
    return 0;
}

int cmdDomid(Session& s, const po::variables_map& args) {
    auto id = lookupDomain(s, args).summary().id;
    s.out() << (id ? std::to_string(*id) : std::string("-")) << "\n";
    return 0;
}

}  // namespace

std::vector<Command> domainCommands() {
    return {
        {"define", "domain", "define (but don't start) a domain from an XML file",
         "Define a domain.", declareDefine, cmdDefine},
        {"undefine", "domain", "undefine a domain",
         "Undefine an inactive domain, or convert persistent to transient.", declareUndefine,
         cmdUndefine, Complete::Domain},
        {"dumpxml", "domain", "domain information in XML",
         "Output the domain information as an XML dump to stdout.", declareDumpxml, cmdDumpxml,
         Complete::Domain},
        {"edit", "domain", "edit XML configuration for a domain",
         "Edit the XML configuration for a domain.", declareDomain, cmdEdit, Complete::Domain},
        {"autostart", "domain", "autostart a domain",
         "Configure a domain to be automatically started at boot.", declareAutostart, cmdAutostart,
         Complete::Domain},
        {"domuuid", "domain", "convert a domain name or id to domain UUID",
         "Convert a domain name or id to domain UUID.", declareDomain, cmdDomuuid,
         Complete::Domain},
        {"domname", "domain", "convert a domain id or UUID to domain name",
         "Convert a domain id or UUID to domain name.", declareDomname, cmdDomname},
        {"domid", "domain", "convert a domain name or UUID to domain id",
         "Convert a domain name or UUID to domain id.", declareDomain, cmdDomid, Complete::Domain},
    };
}

}  // namespace cvirt::shell
