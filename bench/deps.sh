#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/deps.sh PACKAGE...: installs the Debian packages given when they are missing: `make
# deps` passes what cvirt builds and tests with, `make bench` the peers it is measured against
# (lxc crun hyperfine). No package script may start
# a service meanwhile (policy-rc.d answers 101, as in a chroot): installing lxc would
# otherwise start lxc-net, which puts a bridge (lxcbr0), dnsmasq and NAT rules on the host.
# The package still enables lxc-net for the next boot under systemd; `systemctl disable
# lxc-net` undoes that.
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  $SUDO sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
  trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
