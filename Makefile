# SPDX-License-Identifier: GPL-3.0-or-later
# Thin wrapper over CMake. `make demo` and `make check` are the two entry points.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
JOBS       ?= $(shell nproc)
CMAKE_FLAGS ?=

DEB_PACKAGES = g++ cmake pkg-config libxml2-dev libpugixml-dev libreadline-dev \
  libarchive-dev libnl-3-dev libnl-route-3-dev libcap-dev libseccomp-dev libboost-program-options-dev \
  libcppunit-dev busybox-static libxml2-utils \
  cpio qemu-system-x86 linux-image-amd64 dnsmasq-base libnftables-dev nlohmann-json3-dev \
  clang libclang-rt-14-dev \
  libvirt0 libvirt-clients python3-libvirt ansible virtinst e2fsprogs util-linux iproute2 iputils-ping python3 systemd libfuse3-dev \
  openssh-server openssh-client qemu-utils rsync dpkg-dev lintian

.PHONY: all deps build build-asan check check-v2 fuzz fuzz-check demo bench deb docs format clean install

all: build

# bench/deps.sh installs what is missing with no service started meanwhile (openssh-server
# would otherwise start an sshd on the host; the SSH test runs one of its own on loopback).
deps:
	./bench/deps.sh $(DEB_PACKAGES)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCVIRT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)

build-asan: $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# Every test through ctest, then the unit tests again under ASan/UBSan, then each fuzz target
# for FUZZ_CHECK_RUNS executions with a fixed seed on a fresh copy of the checked-in corpus:
# the same verdict for the same commit on every machine (exploration is `make fuzz`).
FUZZ_CHECK_RUNS ?= 20000
check: deps build build-asan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -L unit
	$(MAKE) fuzz-check
	./tests/skip-summary.sh $(BUILD) $(ASAN_BUILD)

# libFuzzer (clang, ASan, UBSan): the domain XML, network XML and LXC config parsers, each for
# FUZZ_SECONDS with a random seed on a growing copy of fuzz/corpus in $(FUZZ_BUILD); fuzz-check
# is make check's fixed-seed, fixed-runs replay. A crash fails with the input's path.
$(FUZZ_BUILD)/CMakeCache.txt:
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCVIRT_FUZZ=ON -DCVIRT_STATIC=OFF $(CMAKE_FLAGS)

fuzz: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz-targets
	./fuzz/run-fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-check: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz-targets
	./fuzz/run-fuzzers.sh --check $(FUZZ_BUILD) $(FUZZ_CHECK_RUNS)

# The cgroup v2 lane alone: a throwaway qemu VM (cgroup_no_v1=all) runs the integration
# suite; `make check` runs it too, skipped with the reason when qemu or the kernel is missing.
check-v2: deps build
	cd $(BUILD) && ctest --output-on-failure -L vm

# PREFIX (default /usr/local) and DESTDIR as usual: bin/cvirsh, bin/cvirt-host-validate,
# sbin/cvirtd, lib/libcvirt.so.0, include/cvirt/, lib/pkgconfig/cvirt.pc, libexec/
# controllers, share/cvirt/schemas, man page, bash completion, systemd units.
PREFIX ?= /usr/local
install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

# Debian packages from the build tree, nothing rebuilt (packaging/deb/packages lists them and
# the files each takes): libcvirt0, libcvirt-dev, cvirt-clients, cvirt-daemon into DEB_OUT.
DEB_OUT ?= $(BUILD)/deb
deb: deps build
	./packaging/deb/make-debs.py $(BUILD) $(DEB_OUT)

demo: deps build
	./xml-examples/demo.sh $(BUILD)/bin/cvirsh

# The figures beside LXC and crun: bench/deps.sh installs them (and hyperfine) without
# letting the packages start services. `TMPDIR=/dev/shm make bench` keeps run state on tmpfs.
BENCH_PACKAGES = lxc crun hyperfine
bench: deps build
	./bench/deps.sh $(BENCH_PACKAGES)
	./bench/run-all.sh $(BUILD)

# docs/SHELL.md is generated from the command table; a test fails when it is stale.
docs: build
	$(BUILD)/bin/cvirsh manpage --markdown > docs/SHELL.md

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
