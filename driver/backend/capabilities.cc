// SPDX-License-Identifier: GPL-3.0-or-later
#include "backend/capabilities.h"

#include <sys/utsname.h>

namespace cvirt::backend {

std::string machine() {
    utsname u{};
    return ::uname(&u) == 0 ? u.machine : "x86_64";
}

void addGuest(pugi::xml_node caps, const char* osType, const std::string& emulator,
              std::initializer_list<const char*> machines,
              std::initializer_list<const char*> domainTypes) {
    pugi::xml_node g = caps.append_child("guest");
    g.append_child("os_type").text() = osType;
    pugi::xml_node arch = g.append_child("arch");
    arch.append_attribute("name") = machine().c_str();
    arch.append_child("wordsize").text() = sizeof(void*) * 8;
    arch.append_child("emulator").text() = emulator.c_str();
    for (const char* m : machines)
        arch.append_child("machine").text() = m;
    for (const char* t : domainTypes)
        arch.append_child("domain").append_attribute("type") = t;
}

void addEnum(pugi::xml_node parent, const char* name, std::initializer_list<const char*> values) {
    pugi::xml_node e = parent.append_child("enum");
    e.append_attribute("name") = name;
    for (const char* v : values)
        e.append_child("value").text() = v;
}

pugi::xml_node addDevice(pugi::xml_node devices, const char* name) {
    pugi::xml_node d = devices.append_child(name);
    d.append_attribute("supported") = "yes";
    return d;
}

}  // namespace cvirt::backend
