// For tools around cvirsh, not listed by help: `complete` (bash completion asks it, as virsh's
// completion does) and `manpage` (cvirsh(1) in roff, generated from the command table at build
// time, so the page and `help` never disagree).
#include <iostream>

#include "commands/common.h"
#include "engine/dispatch.h"
#include "engine/interactive.h"

namespace cvirt::shell {

namespace {

void declareComplete(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("words", po::value<std::vector<std::string>>(),
                       "the command line so far; the last word is the one to complete");
    pos.add("words", -1);
}
int cmdComplete(Session& s, const po::variables_map& args) {
    std::vector<std::string> words;
    if (args.count("words")) words = args["words"].as<std::vector<std::string>>();
    if (words.empty()) words.emplace_back();
    for (const auto& c : completions(s, words))
        s.out() << c << "\n";
    return 0;
}

// roff: a backslash is "\e", a leading dot or quote is protected.
std::string roff(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
    return out;
}

int cmdManpage(Session& s, const po::variables_map&) {
    std::ostream& o = s.out();
    o << ".TH CVIRSH 1 \"\" \"cvirt " << version() << "\" \"cvirt manual\"\n"
      << ".SH NAME\ncvirsh \\- management shell for cvirt containers and virtual machines\n"
      << ".SH SYNOPSIS\n.B cvirsh\n[\\fB\\-c\\fR \\fIURI\\fR] [\\fB\\-q\\fR] [\\fICOMMAND\\fR "
         "[\\fIARG\\fR...]]\n"
      << ".SH DESCRIPTION\n"
      << "cvirsh drives cvirt, a libvirt\\-style driver for Linux containers and QEMU/KVM "
         "virtual machines, with virsh's commands and options. Without a command it reads "
         "commands interactively (history, Tab completion) or, from a pipe, one per line.\n"
      << ".SH OPTIONS\n.TP\n\\fB\\-c\\fR, \\fB\\-\\-connect\\fR \\fIURI\\fR\n"
      << "lxc:///system, qemu:///system, cvirt:///system, or any of them with "
         "///embed?root=DIR; default $CVIRT_DEFAULT_URI, else lxc:///system.\n"
      << ".TP\n\\fB\\-q\\fR, \\fB\\-\\-quiet\\fR\nquiet mode: no table headers.\n"
      << ".SH EXIT STATUS\n0 on success, 1 on failure (with one \\fBerror:\\fR line on "
         "stderr).\n";
    for (const CommandGroup& g : commandGroups()) {
        o << ".SH " << roff(g.title) << "\n";
        for (const Command& c : commandTable()) {
            if (c.group != g.keyword) continue;
            po::options_description opts;
            po::positional_options_description pos;
            c.declare(opts, pos);
            o << ".SS " << roff(c.name) << "\n"
              << roff(synopsis(c)) << "\n.PP\n"
              << roff(c.description) << "\n";
            for (const auto& opt : opts.options()) {
                o << ".TP\n\\fB\\-\\-" << roff(opt->long_name()) << "\\fR";
                if (opt->semantic()->max_tokens() > 0)
                    o << " \\fI" << roff(opt->long_name()) << "\\fR";
                o << "\n" << roff(opt->description()) << "\n";
            }
        }
    }
    o << ".SH FILES\n/etc/cvirt/DRIVER (definitions), /etc/cvirt/cvirt.conf (settings), "
         "/etc/cvirt/hooks/DRIVER (hook scripts), /run/cvirt (live state, events), "
         "/var/log/cvirt/DRIVER/NAME.log (domain logs).\n"
      << ".SH SEE ALSO\n\\fBcvirt\\-host\\-validate\\fR(1), \\fBvirsh\\fR(1)\n";
    return 0;
}

}  // namespace

std::vector<Command> toolingCommands() {
    return {
        {"complete", "hidden", "internal command for autocompletion",
         "Print the completions of the last of WORDS, one per line (bash completion).",
         declareComplete, cmdComplete},
        {"manpage", "hidden", "print the cvirsh(1) man page",
         "Print cvirsh(1) in roff, generated from the command table.", declareNothing, cmdManpage},
    };
}

}  // namespace cvirt::shell
