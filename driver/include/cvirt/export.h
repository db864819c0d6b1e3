// SPDX-License-Identifier: GPL-3.0-or-later
// What libcvirt.so exports: the library is built with hidden visibility, and the public
// API's classes and functions carry CVIRT_API (driver/libcvirt.map versions them).
#pragma once

#define CVIRT_API __attribute__((visibility("default")))
