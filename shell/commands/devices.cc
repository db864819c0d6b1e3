// SPDX-License-Identifier: GPL-3.0-or-later
// Device hot plug: attach-device, detach-device, update-device (any device element), and
// virsh's helpers for disks: attach-disk, detach-disk, change-media.
#include <sys/stat.h>

#include "commands/common.h"
#include "engine/file.h"

namespace cvirt::shell {

namespace {

void declareDeviceFile(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("file", po::value<std::string>()->required(), "XML file");
    pos.add("file", 1);
    declareImpact(opts, true);
}
void declareUpdateDevice(po::options_description& opts, po::positional_options_description& pos) {
    declareDeviceFile(opts, pos);
    opts.add_options()("force", "force device update");
}

int cmdAttachDevice(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    std::string file = args["file"].as<std::string>();
    d.attachDevice(readFile(file), impactOf(args), file);
    s.info() << "Device attached successfully\n";
    return 0;
}
int cmdDetachDevice(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    std::string file = args["file"].as<std::string>();
    d.detachDevice(readFile(file), impactOf(args), file);
    s.info() << "Device detached successfully\n";
    return 0;
}
int cmdUpdateDevice(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    std::string file = args["file"].as<std::string>();
    d.updateDevice(readFile(file), impactOf(args), file);
    s.info() << "Device updated successfully\n";
    return 0;
}

void declareAttachDisk(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("source", po::value<std::string>()->required(),
                       "source of disk device or name of network disk")(
        "target", po::value<std::string>()->required(), "target of disk device")(
        "targetbus", po::value<std::string>(), "target bus of disk device")(
        "driver", po::value<std::string>(), "driver of disk device")(
        "subdriver", po::value<std::string>(), "subdriver of disk device")(
        "type", po::value<std::string>(), "target device type")(
        "mode", po::value<std::string>(), "mode of device reading and writing")(
        "sourcetype", po::value<std::string>(), "type of source (block|file)")(
        "print-xml", "print XML document rather than attach the disk");
    pos.add("source", 1).add("target", 1);
    declareImpact(opts, true);
}
int cmdAttachDisk(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    auto opt = [&](const char* k) {
        return args.count(k) ? escapeAttr(args[k].as<std::string>()) : std::string();
    };
    std::string source = args["source"].as<std::string>();
    std::string sourceType = opt("sourcetype");
    if (sourceType.empty()) {
        struct stat st {};
        sourceType = ::stat(source.c_str(), &st) == 0 && S_ISBLK(st.st_mode) ? "block" : "file";
    }
    if (sourceType != "file" && sourceType != "block")
        throw Error(ErrorCode::InvalidArg, "Unknown source type: '" + sourceType + "'");
    std::string mode = opt("mode");
    if (!mode.empty() && mode != "readonly" && mode != "shareable")
        throw Error(ErrorCode::InvalidArg, "No support for " + mode + " in command 'attach-disk'");
    std::string xml = "<disk type='" + sourceType + "'" +
                      (opt("type").empty() ? "" : " device='" + opt("type") + "'") + ">\n";
    if (!opt("driver").empty() || !opt("subdriver").empty()) {
        xml += "  <driver";
        if (!opt("driver").empty()) xml += " name='" + opt("driver") + "'";
        if (!opt("subdriver").empty()) xml += " type='" + opt("subdriver") + "'";
        xml += "/>\n";
    }
    xml += "  <source " + std::string(sourceType == "block" ? "dev" : "file") + "='" +
           escapeAttr(source) + "'/>\n";
    xml += "  <target dev='" + opt("target") + "'";
    if (!opt("targetbus").empty()) xml += " bus='" + opt("targetbus") + "'";
    xml += "/>\n";
    if (mode == "readonly") xml += "  <readonly/>\n";
    if (mode == "shareable") xml += "  <shareable/>\n";
    xml += "</disk>\n";
    if (flag(args, "print-xml")) {
        s.out() << xml;
        return 0;
    }
    d.attachDevice(xml, impactOf(args), "attach-disk");
    s.info() << "Disk attached successfully\n";
    return 0;
}

void declareDetachDisk(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("target", po::value<std::string>()->required(), "target of disk device");
    pos.add("target", 1);
    declareImpact(opts, true);
}
int cmdDetachDisk(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    std::string xml = "<disk type='file' device='disk'><target dev='" +
                      escapeAttr(args["target"].as<std::string>()) + "'/></disk>";
    d.detachDevice(xml, impactOf(args), "detach-disk");
    s.info() << "Disk detached successfully\n";
    return 0;
}

void declareChangeMedia(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("path", po::value<std::string>()->required(),
                       "Fully-qualified path or target of disk device")(
        "source", po::value<std::string>(), "source of the media")("eject", "Eject the media")(
        "insert", "Insert the media")("update", "Update the media")("force",
                                                                    "force media changing");
    pos.add("path", 1).add("source", 1);
    declareImpact(opts);
}
int cmdChangeMedia(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    int modes = flag(args, "eject") + flag(args, "insert") + flag(args, "update");
    if (modes > 1) {
        const char* first = flag(args, "eject") ? "eject" : "insert";
        const char* second = flag(args, "update") ? "update" : "insert";
        throw Error(ErrorCode::InvalidArg, std::string("Options --") + first + " and --" + second +
                                               " are mutually exclusive");
    }
    std::string source = args.count("source") ? args["source"].as<std::string>() : "";
    bool eject = flag(args, "eject");
    if (eject && !source.empty())
        throw Error(ErrorCode::InvalidArg, "Options --source and --eject are mutually exclusive");
    auto how = eject                  ? Domain::MediaChange::Eject
               : flag(args, "insert") ? Domain::MediaChange::Insert
                                      : Domain::MediaChange::Update;
    if (modes == 0 && source.empty()) how = Domain::MediaChange::Eject;  // virsh: no source ejects
    d.changeMedia(args["path"].as<std::string>(), how, source, impactOf(args));
    s.info() << (how == Domain::MediaChange::Eject    ? "Successfully ejected media.\n"
                 : how == Domain::MediaChange::Insert ? "Successfully inserted media.\n"
                                                      : "Successfully updated media.\n");
    return 0;
}

}  // namespace

std::vector<Command> deviceCommands() {
    return {
        {"attach-device", "domain", "attach device from an XML file",
         "Attach a device from an XML file: an <interface>, a container's <filesystem> or "
         "<hostdev>, a VM's <disk>.",
         declareDeviceFile, cmdAttachDevice, Complete::Domain},
        {"detach-device", "domain", "detach device from an XML file",
         "Detach a device described in an XML file: an interface by its MAC, a filesystem by "
         "its target, a host device by its source, a disk by its target.",
         declareDeviceFile, cmdDetachDevice, Complete::Domain},
        {"update-device", "domain", "update device from an XML file",
         "Update a device from an XML file: a VM cdrom's medium, or (with --config) an "
         "interface found by its MAC.",
         declareUpdateDevice, cmdUpdateDevice, Complete::Domain},
        {"attach-disk", "domain", "attach disk device",
         "Attach a new disk device to a VM (hot-plugged when it runs).", declareAttachDisk,
         cmdAttachDisk, Complete::Domain},
        {"detach-disk", "domain", "detach disk device",
         "Detach a disk device from a VM, by its target.", declareDetachDisk, cmdDetachDisk,
         Complete::Domain},
        {"change-media", "domain", "Change media of CD or floppy drive",
         "Eject, insert or update the medium of a VM's cdrom.", declareChangeMedia, cmdChangeMedia,
         Complete::Domain},
    };
}

}  // namespace cvirt::shell
