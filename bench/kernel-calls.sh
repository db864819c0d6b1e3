#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/kernel-calls.sh [ROUNDS]: the mount-side kernel calls of a container start timed alone,
# in a small C program (compiled here with cc) in a mount namespace of its own: a tmpfs mount,
# a bind mount, a fresh cgroup v1 mount (the pids hierarchy) and the FUSE superblock of the
# /proc views (fsopen + fsconfig CREATE on a /dev/fuse connection nobody answers, then fsmount).
# Means in µs. Run it with nothing running and again with N containers running beside it to
# see which calls grow with N (docs/PERFORMANCE.md). As root; leaves nothing (the mounts go
# with the namespace, the FUSE connections with the process). A benchmark: it asserts nothing.
set -euo pipefail
rounds=${1:-200}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cvirt-kc-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/kc.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}
static void die(const char* what) { perror(what); exit(1); }
int main(int argc, char** argv) {
    int n = atoi(argv[2]);
    const char* dir = argv[1];
    struct rlimit r = {4 * n + 64, 4 * n + 64};
    setrlimit(RLIMIT_NOFILE, &r);
    if (unshare(CLONE_NEWNS) < 0) die("unshare");
    if (mount("", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die("private");
    double tm = 0, tb = 0, tc = 0, tf = 0;
    for (int i = 0; i < n; i++) {
        double t0 = now();
        if (mount("x", dir, "tmpfs", MS_RDONLY, "size=0,mode=555") < 0) die("tmpfs");
        double t1 = now();
        if (mount("/", dir, NULL, MS_BIND, NULL) < 0) die("bind");
        double t2 = now();
        if (mount("cgroup", dir, "cgroup", MS_RDONLY, "pids") < 0) die("cgroup");
        double t3 = now();
        int dev = open("/dev/fuse", O_RDWR | O_CLOEXEC);
        if (dev < 0) die("/dev/fuse");
        char fd[16];
        snprintf(fd, sizeof fd, "%d", dev);
        double t4 = now();
        int fs = syscall(SYS_fsopen, "fuse", FSOPEN_CLOEXEC);
        if (fs < 0) die("fsopen");
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "fd", fd, 0);
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "rootmode", "40000", 0);
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "user_id", "0", 0);
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "group_id", "0", 0);
        if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, 0, 0, 0) < 0) die("fuse create");
        if (syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0) < 0) die("fsmount");
        double t5 = now();
        close(fs);  /* the mount and the connection stay open until exit */
        tm += t1 - t0, tb += t2 - t1, tc += t3 - t2, tf += t5 - t4;
    }
    printf("tmpfs mount %.1f, bind %.1f, cgroup v1 mount %.1f, FUSE superblock %.1f us "
           "(means of %d)\n", tm / n, tb / n, tc / n, tf / n, n);
    return 0;
}
C
cc -O2 -o "$tmp/kc" "$tmp/kc.c"
mkdir "$tmp/m"
running=$(ls /sys/class/bdi | wc -l)
echo "kernel calls alone, $rounds rounds; backing devices now: $running; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$tmp/kc" "$tmp/m" "$rounds"
