// SPDX-License-Identifier: GPL-3.0-or-later
// For tools around cvirsh, not listed by help: `complete` (bash completion asks it, as virsh's
// completion does) and `manpage` (cvirsh(1) in roff, or docs/SHELL.md with --markdown, both
// generated from the command table, so the page, the reference and `help` never disagree).
#include <iostream>

#include "commands/common.h"
#include "engine/completion.h"
#include "engine/dispatch.h"
#include "engine/global_options.h"

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
    for (const auto& c : complete(s, words).words)
        s.out() << c << "\n";
    return 0;
}

// The page's prose, written once for both formats.
constexpr std::string_view kName =
    "cvirsh - management shell for cvirt containers and virtual machines";
constexpr std::string_view kDescription =
    "cvirsh drives cvirt, a libvirt-style driver for Linux containers and QEMU/KVM virtual "
    "machines, with virsh's commands and options. Without a command it reads commands "
    "interactively (history, Tab completion) or, from a pipe, one per line.";
constexpr std::string_view kConnect =
    "lxc:///system, qemu:///system, cvirt:///system, or any of them with ///embed?root=DIR; "
    "default $CVIRT_DEFAULT_URI, else lxc:///system.";
constexpr std::string_view kGrammar =
    "Commands read their words as virsh does: `--name value` or `--name=value`; other words "
    "fill the command's arguments in order, skipping those given by name; a word that begins "
    "with a single dash is data, and after `--` every word is; `COMMAND --help` prints the "
    "command's help.";

// The process's options, from the table main() parses them with.
struct GlobalOption {
    std::string flags;  // "-c, --connect"
    std::string value;  // "URI", or empty for a flag
    std::string description;
};
std::vector<GlobalOption> globalOptions() {
    std::vector<GlobalOption> list;
    for (const auto& o : globalOptionTable().options()) {
        GlobalOption g;
        std::string shortName =
            o->canonical_display_name(po::command_line_style::allow_dash_for_short);
        g.flags = shortName + ", --" + o->long_name();
        if (o->semantic()->min_tokens() > 0)
            g.value = o->semantic()->name();
        else if (o->semantic()->max_tokens() > 0)  // --version[=long]
            g.value = "[=short|long]";
        g.description = o->description();
        if (o->long_name() == "connect") g.description += ": " + std::string(kConnect);
        list.push_back(g);
    }
    return list;
}
constexpr std::string_view kExit =
    "0 on success, 1 on failure, with error: lines on stderr (for a failed call, as virsh: "
    "what failed, then why).";
constexpr std::string_view kFiles =
    "/etc/cvirt/DRIVER (definitions), /etc/cvirt/cvirt.conf (settings), /etc/cvirt/hooks/DRIVER "
    "(hook scripts), /run/cvirt (live state, events), /var/log/cvirt/DRIVER/NAME.log (domain "
    "logs), ~/.cache/cvirsh/history (interactive history, $CVIRSH_HISTSIZE lines, 500 unless "
    "set).";

// One page, two spellings: the walk over the command table is shared, the markup is not.
class PageFormat {
public:
    virtual ~PageFormat() = default;
    virtual void begin(std::ostream& o) = 0;
    virtual void section(std::ostream& o, std::string_view title) = 0;
    virtual void command(std::ostream& o, const Command& c, std::string_view synopsis) = 0;
    virtual void option(std::ostream& o, std::string_view name, bool takesValue,
                        std::string_view description) = 0;
    virtual void paragraph(std::ostream& o, std::string_view text) = 0;
};

// roff: a backslash is "\e", a dash "\-", a leading dot or quote is protected.
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

class Roff final : public PageFormat {
public:
    void begin(std::ostream& o) override {
        o << ".TH CVIRSH 1 \"\" \"cvirt " << version() << "\" \"cvirt manual\"\n"
          << ".SH NAME\n"
          << roff(kName) << "\n"
          << ".SH SYNOPSIS\n.B cvirsh\n[\\fIOPTION\\fR...] [\\fICOMMAND\\fR "
             "[\\fIARG\\fR...]]\n";
        section(o, "DESCRIPTION");
        paragraph(o, kDescription);
        paragraph(o, kGrammar);
        section(o, "OPTIONS");
        for (const GlobalOption& g : globalOptions()) {
            o << ".TP\n\\fB" << roff(g.flags) << "\\fR";
            if (!g.value.empty()) o << " \\fI" << roff(g.value) << "\\fR";
            o << "\n" << roff(g.description) << "\n";
        }
        section(o, "EXIT STATUS");
        paragraph(o, kExit);
    }
    void section(std::ostream& o, std::string_view title) override {
        o << ".SH " << roff(title) << "\n";
    }
    void command(std::ostream& o, const Command& c, std::string_view synopsis) override {
        o << ".SS " << roff(c.name) << "\n"
          << roff(synopsis) << "\n.PP\n"
          << roff(c.description) << "\n";
    }
    void option(std::ostream& o, std::string_view name, bool takesValue,
                std::string_view description) override {
        o << ".TP\n\\fB\\-\\-" << roff(name) << "\\fR";
        if (takesValue) o << " \\fI" << roff(name) << "\\fR";
        o << "\n" << roff(description) << "\n";
    }
    void paragraph(std::ostream& o, std::string_view text) override { o << roff(text) << "\n"; }
};

// Markdown: a "<" of XML in prose is escaped so it is not read as HTML.
std::string markdown(std::string_view text) {
    std::string out;
    for (char c : text)
        out += c == '<' ? std::string("\\<") : std::string(1, c);
    return out;
}

class Markdown final : public PageFormat {
public:
    void begin(std::ostream& o) override {
        o << "# cvirsh reference\n\n"
          << "<!-- Generated by `cvirsh manpage --markdown` from the command table (`make docs`); "
             "a test keeps it equal to the table. Do not edit by hand. -->\n\n"
          << kName << "\n\n"
          << "```text\ncvirsh [OPTION...] [COMMAND [ARG...]]\n```\n\n"
          << kDescription << "\n\n"
          << kGrammar << "\n\n";
        for (const GlobalOption& g : globalOptions())
            o << "- `" << g.flags << (g.value.empty() ? "" : " " + g.value)
              << "`: " << markdown(g.description) << "\n";
        o << "\n"
          << "Exit status: " << kExit << " See also [OPERATIONS.md](OPERATIONS.md) and "
          << "[TROUBLESHOOTING.md](TROUBLESHOOTING.md).\n";
    }
    void section(std::ostream& o, std::string_view title) override {
        o << "\n## " << title << "\n";
    }
    void command(std::ostream& o, const Command& c, std::string_view synopsis) override {
        o << "\n### " << c.name << "\n\n```text\n"
          << synopsis << "\n```\n\n"
          << markdown(c.description) << "\n";
        if (!c.aliases.empty()) {
            o << "\nAlso spelled:";
            for (auto a : c.aliases)
                o << " `" << a << "`";
            o << "\n";
        }
        first_ = true;
    }
    void option(std::ostream& o, std::string_view name, bool takesValue,
                std::string_view description) override {
        if (first_) o << "\n";
        first_ = false;
        o << "- `--" << name << (takesValue ? " <" + std::string(name) + ">" : "")
          << "`: " << description << "\n";
    }
    void paragraph(std::ostream& o, std::string_view text) override { o << "\n" << text << "\n"; }

private:
    bool first_ = true;
};

void writePage(std::ostream& o, PageFormat& f) {
    f.begin(o);
    for (const CommandGroup& g : commandGroups()) {
        f.section(o, g.title);
        for (const Command& c : commandTable()) {
            if (c.group != g.keyword) continue;
            po::options_description opts;
            po::positional_options_description pos;
            c.declare(opts, pos);
            f.command(o, c, synopsis(c));
            for (const auto& opt : opts.options())
                f.option(o, opt->long_name(), opt->semantic()->max_tokens() > 0,
                         opt->description());
        }
    }
    f.section(o, "FILES");
    f.paragraph(o, kFiles);
}

void declareManpage(po::options_description& opts, po::positional_options_description&) {
    opts.add_options()("markdown", "the shell reference in Markdown (docs/SHELL.md), not roff");
}
int cmdManpage(Session& s, const po::variables_map& args) {
    if (args.count("markdown")) {
        Markdown md;
        writePage(s.out(), md);
    } else {
        Roff r;
        writePage(s.out(), r);
        s.out() << ".SH SEE ALSO\n\\fBcvirt\\-host\\-validate\\fR(1), \\fBvirsh\\fR(1)\n";
    }
    return 0;
}

}  // namespace

std::vector<Command> toolingCommands() {
    return {
        {"complete", "hidden", "internal command for autocompletion",
         "Print the completions of the last of WORDS, one per line (bash completion).",
         declareComplete, cmdComplete},
        {"manpage", "hidden", "print the cvirsh(1) man page",
         "Print cvirsh(1) in roff, or with --markdown the shell reference docs/SHELL.md, "
         "generated from the command table.",
         declareManpage, cmdManpage},
    };
}

}  // namespace cvirt::shell
