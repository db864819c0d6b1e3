// SPDX-License-Identifier: GPL-3.0-or-later
// Usage statistics: domstats, dommemstat, cpu-stats, domblkstat, domifstat and top.
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <map>

#include "commands/common.h"
#include "engine/table.h"

namespace cvirt::shell {

namespace {

// --- domstats --------------------------------------------------------------------------------
const std::pair<const char*, StatsGroup> kGroups[] = {
    {"state", StatsGroup::State},     {"cpu-total", StatsGroup::CpuTotal},
    {"balloon", StatsGroup::Balloon}, {"vcpu", StatsGroup::Vcpu},
    {"block", StatsGroup::Block},     {"interface", StatsGroup::Interface},
    {"pids", StatsGroup::Pids}};

void declareDomstats(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("state", "report domain state")(
        "cpu-total", "report domain physical cpu usage")("balloon",
                                                         "report domain balloon statistics")(
        "vcpu", "report domain virtual cpu information")("block",
                                                         "report domain block device statistics")(
        "interface", "report domain network interface statistics")(
        "pids", "report the domain's task count and limit (cvirt)")(
        "list-active", "list only active domains")("list-inactive", "list only inactive domains")(
        "list-running", "list only running domains")("list-paused", "list only paused domains")(
        "list-shutoff", "list only shutoff domains")("list-persistent",
                                                     "list only persistent domains")(
        "list-transient", "list only transient domains")("list-other",
                                                         "list only domains in other states")(
        "raw",
        "do not pretty-print the fields (cvirt's are all plain numbers and names: the same)")(
        "enforce", "enforce requested stats parameters")(
        "backing", "add backing chain information to block stats (cvirt's drives have none)")(
        "nowait", "report only stats that are accessible instantly (all of cvirt's are)")(
        "domain", po::value<std::vector<std::string>>(), "list of domains to get stats for");
    pos.add("domain", -1);
}

void printStats(Session& s, const DomainStats& st, unsigned groups) {
    s.out() << "Domain: '" << st.summary.name << "'\n";
    for (const StatsField& f : statsFields(st, groups)) {
        s.out() << "  " << f.name << "=";
        std::visit([&](const auto& v) { s.out() << v; }, f.value);
        s.out() << "\n";
    }
}

int cmdDomstats(Session& s, const po::variables_map& args) {
    unsigned groups = 0;
    for (const auto& [name, g] : kGroups)
        if (flag(args, name)) groups |= static_cast<unsigned>(g);
    if (!groups) groups = ~0u;
    std::vector<std::string> names;
    if (args.count("domain")) {
        for (const auto& key : args["domain"].as<std::vector<std::string>>())
            names.push_back(s.connection().lookup(key).name());
    } else {
        // virConnectGetAllDomainStats' filters: within each group (active/inactive,
        // persistent/transient, the states) a domain passes one that is given, or any when
        // none of the group is.
        bool running = flag(args, "list-running"), paused = flag(args, "list-paused"),
             shutoff = flag(args, "list-shutoff"), other = flag(args, "list-other");
        bool persistent = flag(args, "list-persistent"), transient = flag(args, "list-transient");
        ListFilter f;
        f.active = !flag(args, "list-inactive") || flag(args, "list-active");
        f.inactive = !flag(args, "list-active") || flag(args, "list-inactive");
        for (const auto& d : s.connection().list(f)) {
            if (persistent != transient && d.persistent != persistent) continue;
            if (running || paused || shutoff || other) {
                bool known = d.state == DomainState::Running || d.state == DomainState::Paused ||
                             d.state == DomainState::Shutoff;
                if (!((running && d.state == DomainState::Running) ||
                      (paused && d.state == DomainState::Paused) ||
                      (shutoff && d.state == DomainState::Shutoff) || (other && !known)))
                    continue;
            }
            names.push_back(d.name);
        }
    }
    bool first = true;
    for (const auto& n : names) {
        try {
            DomainStats st = s.connection().lookup(n).stats();
            if (!first) s.out() << "\n";  // between records; the closing one is the shell's
            first = false;
            printStats(s, st, groups);
        } catch (const Error& e) {
            if (e.code() != ErrorCode::NoDomain) throw;  // undefined meanwhile
        }
    }
    return 0;
}

// --- dommemstat ------------------------------------------------------------------------------
int cmdDommemstat(Session& s, const po::variables_map& args) {
    DomainStats st = lookupDomain(s, args).stats();
    if (!st.summary.id) throw Error(ErrorCode::OperationInvalid, "domain is not running");
    s.out() << "actual " << st.currentMemoryKiB << "\n"
            << "swap_in " << st.swapUsedKiB << "\n"
            << "rss " << st.usedMemoryKiB << "\n";
    return 0;
}

// --- cpu-stats -------------------------------------------------------------------------------
void declareCpuStats(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("total", "Show total statistics only")(
        "start", po::value<int>(), "Show statistics from this CPU")("count", po::value<int>(),
                                                                    "Number of shown CPUs at most");
}
void seconds(Session& s, const char* name, uint64_t ns) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "\t%-12s %10llu.%09llu seconds\n", name,
                  static_cast<unsigned long long>(ns / 1000000000ull),
                  static_cast<unsigned long long>(ns % 1000000000ull));
    s.out() << buf;
}
int cmdCpuStats(Session& s, const po::variables_map& args) {
    DomainStats st = lookupDomain(s, args).stats();
    if (!st.summary.id) throw Error(ErrorCode::OperationInvalid, "domain is not running");
    bool total = flag(args, "total");
    bool onlyTotal = total && !args.count("start") && !args.count("count");
    if (!onlyTotal) {
        int start = args.count("start") ? args["start"].as<int>() : 0;
        int count = args.count("count") ? args["count"].as<int>() : -1;
        if (start < 0) throw Error(ErrorCode::InvalidArg, "Invalid value for start CPU");
        int n = static_cast<int>(st.perCpuNs.size());
        if (n > 0 && start >= n)
            throw Error(ErrorCode::InvalidArg,
                        "Start CPU " + std::to_string(start) +
                            " is out of range (min: 0, max: " + std::to_string(n - 1) + ")");
        for (int i = start; i < n && (count < 0 || i < start + count); ++i) {
            s.out() << "CPU" << i << ":\n";
            seconds(s, "cpu_time", st.perCpuNs[static_cast<size_t>(i)]);
        }
    }
    if (total || (!args.count("start") && !args.count("count"))) {
        s.out() << "Total:\n";
        seconds(s, "cpu_time", st.cpuTimeNs);
        seconds(s, "user_time", st.cpuUserNs);
        seconds(s, "system_time", st.cpuSystemNs);
    }
    return 0;
}

// --- domblkstat / domifstat ------------------------------------------------------------------
void declareDomblkstat(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("device", po::value<std::string>(), "block device (host name or MAJ:MIN)")(
        "human", "print a more human readable output");
    pos.add("device", 1);
}
int cmdDomblkstat(Session& s, const po::variables_map& args) {
    DomainStats st = lookupDomain(s, args).stats();
    if (!st.summary.id) throw Error(ErrorCode::OperationInvalid, "domain is not running");
    std::string dev = args.count("device") ? args["device"].as<std::string>() : "";
    std::optional<BlockStats> found = blockTotals(st, dev);
    if (!found)
        throw Error(ErrorCode::InvalidArg,
                    "invalid path: domain has done no I/O on device '" + dev + "'");
    const BlockStats& sum = *found;
    bool human = flag(args, "human");
    auto line = [&](const char* key, const char* label, uint64_t v) {
        s.out() << dev << " " << std::left << std::setw(human ? 28 : 0) << (human ? label : key)
                << " " << v << "\n";
    };
    line("rd_req", "number of read operations:", sum.rdReqs);
    line("rd_bytes", "number of bytes read:", sum.rdBytes);
    line("wr_req", "number of write operations:", sum.wrReqs);
    line("wr_bytes", "number of bytes written:", sum.wrBytes);
    return 0;
}

void declareDomifstat(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("interface", po::value<std::string>()->required(), "interface device");
    pos.add("interface", 1);
}
int cmdDomifstat(Session& s, const po::variables_map& args) {
    DomainStats st = lookupDomain(s, args).stats();
    if (!st.summary.id) throw Error(ErrorCode::OperationInvalid, "domain is not running");
    std::string dev = args["interface"].as<std::string>();
    for (const auto& n : st.interfaces) {
        if (n.name != dev) continue;
        for (auto [k, v] : {std::pair{"rx_bytes", n.rxBytes},
                            {"rx_packets", n.rxPackets},
                            {"rx_errs", n.rxErrs},
                            {"rx_drop", n.rxDrop},
                            {"tx_bytes", n.txBytes},
                            {"tx_packets", n.txPackets},
                            {"tx_errs", n.txErrs},
                            {"tx_drop", n.txDrop}})
            s.out() << dev << " " << k << " " << v << "\n";
        return 0;
    }
    throw Error(ErrorCode::InvalidArg, "invalid path, '" + dev + "' is not a known interface");
}

// --- top -------------------------------------------------------------------------------------
void declareTop(po::options_description& opts, po::positional_options_description&) {
    opts.add_options()("delay", po::value<double>()->default_value(1.0),
                       "seconds between refreshes")("iterations", po::value<int>(),
                                                    "stop after this many refreshes")(
        "batch", "plain output, no screen control (for scripts)");
}

// The terminal in character mode while top runs, restored on any exit.
class RawInput {
public:
    RawInput() {
        if (::isatty(0) && ::tcgetattr(0, &saved_) == 0) {
            termios raw = saved_;
            raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
            raw.c_cc[VMIN] = 0;
            raw.c_cc[VTIME] = 0;
            active_ = ::tcsetattr(0, TCSANOW, &raw) == 0;
        }
    }
    ~RawInput() {
        if (active_) ::tcsetattr(0, TCSANOW, &saved_);
    }
    RawInput(const RawInput&) = delete;
    RawInput& operator=(const RawInput&) = delete;

    // Waits up to `ms` for a key; true when it was q (or input ended).
    bool quitWithin(int ms) {
        pollfd p{0, POLLIN, 0};
        auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        for (;;) {
            int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            until - std::chrono::steady_clock::now())
                                            .count());
            if (left <= 0) return false;
            if (eof_) {
                ::poll(nullptr, 0, left);
                return false;
            }
            int r = ::poll(&p, 1, left);
            if (r <= 0) continue;
            char c;
            ssize_t n = ::read(0, &c, 1);
            if (n == 0) {
                eof_ = true;  // stdin closed: keep refreshing until --iterations or a signal
                continue;
            }
            if (n == 1 && (c == 'q' || c == 'Q')) return true;
        }
    }

private:
    termios saved_{};
    bool active_ = false;
    bool eof_ = false;
};

std::string mib(uint64_t kib) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(kib) / 1024.0);
    return buf;
}

int cmdTop(Session& s, const po::variables_map& args) {
    double delay = args["delay"].as<double>();
    if (delay < 0.05) throw Error(ErrorCode::InvalidArg, "delay must be at least 0.05 seconds");
    int iterations = args.count("iterations") ? args["iterations"].as<int>() : -1;
    bool batch = flag(args, "batch") || !::isatty(1);
    RawInput input;
    std::map<std::string, uint64_t> lastCpu;
    auto lastTime = std::chrono::steady_clock::now();
    for (int round = 0; iterations < 0 || round < iterations; ++round) {
        auto now = std::chrono::steady_clock::now();
        double wallNs = static_cast<double>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - lastTime).count());
        lastTime = now;
        Table t({"Id", "Name", "State", "CPU %", "Mem MiB", "Limit MiB", "Pids"});
        std::map<std::string, uint64_t> cpu;
        for (const auto& sum : s.connection().list(ListFilter{})) {
            DomainStats st;
            try {
                st = s.connection().lookup(sum.name).stats();
            } catch (const Error&) {
                continue;  // stopped meanwhile
            }
            cpu[sum.name] = st.cpuTimeNs;
            std::string pct = "-";
            if (auto it = lastCpu.find(sum.name); it != lastCpu.end() && wallNs > 0) {
                char buf[16];
                std::snprintf(buf, sizeof buf, "%.1f",
                              100.0 * static_cast<double>(st.cpuTimeNs - it->second) / wallNs);
                pct = buf;
            }
            t.add({sum.id ? std::to_string(*sum.id) : "-", sum.name,
                   std::string(stateName(st.summary.state)), pct, mib(st.usedMemoryKiB),
                   mib(st.currentMemoryKiB), std::to_string(st.pids)});
        }
        lastCpu = std::move(cpu);
        if (!batch) s.out() << "\x1b[H\x1b[2J";
        std::time_t wall = std::time(nullptr);
        char clock[16];
        std::strftime(clock, sizeof clock, "%H:%M:%S", std::localtime(&wall));
        s.out() << "cvirt top - " << clock << " - " << t.rows() << " running"
                << (batch ? "" : "   (q quits)") << "\n\n";
        t.print(s.out());
        s.out() << std::flush;
        if (iterations >= 0 && round + 1 >= iterations) break;
        if (input.quitWithin(static_cast<int>(delay * 1000))) break;
    }
    return 0;
}

}  // namespace

std::vector<Command> statsCommands() {
    return {
        {"domstats", "monitor", "get statistics about one or multiple domains",
         "Gets statistics about one or more (or all) domains: state, cpu-total, balloon, vcpu, "
         "block, interface, and pids (cvirt, containers).",
         declareDomstats, cmdDomstats, Complete::Domain},
        {"dommemstat", "monitor", "get memory statistics for a domain",
         "Get memory statistics for a running domain (KiB): actual limit, swap used, rss.",
         declareDomain, cmdDommemstat, Complete::Domain},
        {"cpu-stats", "monitor", "show domain cpu statistics",
         "Display per-CPU and total statistics about the domain's CPUs.", declareCpuStats,
         cmdCpuStats, Complete::Domain},
        {"domblkstat", "monitor", "get device block stats for a domain",
         "Get block I/O statistics of a running domain: totals, or one host device.",
         declareDomblkstat, cmdDomblkstat, Complete::Domain},
        {"domifstat", "monitor", "get network interface stats for a domain",
         "Get network interface stats for a running domain.", declareDomifstat, cmdDomifstat,
         Complete::Domain},
        {"top", "monitor", "live view of running domains",
         "Refreshing view of all running domains (CPU %, memory, pids, state), like lxc-top; "
         "q quits.",
         declareTop, cmdTop},
    };
}

}  // namespace cvirt::shell
