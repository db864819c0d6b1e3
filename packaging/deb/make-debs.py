#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make deb`: Debian packages from a built tree, without building anything again.

    make-debs.py BUILD_DIR OUT_DIR

`cmake --install` into a staging root with prefix /usr, then every installed path goes to the
package whose `Files:` patterns (packaging/deb/packages) match it first; a path no package
takes is an error, so a new install() rule cannot be left out unnoticed. Each package gets
its copyright and changelog, stripped ELF files without RUNPATH, compressed manual pages, md5sums and the
dependencies dpkg-shlibdeps finds; dpkg-deb builds it owned by root.
"""
import datetime
import fnmatch
import gzip
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
MAINTAINER = "cvirt maintainers <maintainers@cvirt.org>"


def fail(message):
    sys.exit("make-debs: " + message)


def run(argv, **kw):
    return subprocess.run(argv, check=True, text=True, stdout=subprocess.PIPE, **kw).stdout


def read_stanzas(path):
    stanzas, fields, key = [], {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("#"):
            continue
        if not line.strip():
            if fields:
                stanzas.append(fields)
            fields, key = {}, None
        elif line[0] in " \t":
            fields[key] += "\n" + line
        else:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    if fields:
        stanzas.append(fields)
    return stanzas


def project_version():
    text = open(os.path.join(SOURCE, "CMakeLists.txt"), encoding="utf-8").read()
    match = re.search(r"project\(cvirt VERSION ([0-9.]+)", text)
    if not match:
        fail("no version in CMakeLists.txt")
    return match.group(1)


def installed_paths(stage):
    for root, dirs, files in os.walk(stage):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            yield os.path.relpath(os.path.join(root, name), stage)


def is_elf(path):
    if os.path.islink(path) or not os.path.isfile(path):
        return False
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def drop_runpath(path):
    # As chrpath -d: DT_RPATH/DT_RUNPATH entries leave the dynamic section (the entries after
    # them move up, DT_NULL fills the end); the library search then is the system's own.
    with open(path, "r+b") as f:
        elf = f.read()
        if elf[4] != 2 or elf[5] != 1:
            fail(f"{path}: not a 64-bit little-endian ELF file")
        phoff, = struct.unpack_from("<Q", elf, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
        for i in range(phnum):
            ptype, _, offset, _, _, filesz = struct.unpack_from("<IIQQQQ", elf, phoff + i * phentsize)
            if ptype != 2:  # PT_DYNAMIC
                continue
            entries = [struct.unpack_from("<qQ", elf, offset + j) for j in range(0, filesz, 16)]
            kept = [e for e in entries if e[0] not in (15, 29)]  # DT_RPATH, DT_RUNPATH
            kept += [(0, 0)] * (len(entries) - len(kept))
            f.seek(offset)
            f.write(b"".join(struct.pack("<qQ", *e) for e in kept))


def strip(path):
    # As dh_strip: shared objects lose their unneeded symbols, programs their debug info.
    extra = ["--strip-unneeded"] if ".so" in os.path.basename(path) else []
    run(["strip", "--remove-section=.comment", "--remove-section=.note", *extra, path])


def shlib_depends(work, elves, libdirs, version):
    if not elves:
        return []
    deb = os.path.join(work, "shlibdeps")
    os.makedirs(os.path.join(deb, "debian"), exist_ok=True)
    with open(os.path.join(deb, "debian/control"), "w") as f:
        f.write("Source: cvirt\n\nPackage: cvirt\nArchitecture: any\n")
    with open(os.path.join(deb, "debian/shlibs.local"), "w") as f:
        f.write(f"libcvirt 0 libcvirt0 (>= {version})\n")
    argv = ["dpkg-shlibdeps", "-O"]
    argv += [f"-l{d}" for d in libdirs] + ["-e" + e for e in elves]
    out = run(argv, cwd=deb, stderr=subprocess.DEVNULL)
    for line in out.splitlines():
        if line.startswith("shlibs:Depends="):
            return [d.strip() for d in line.split("=", 1)[1].split(",") if d.strip()]
    return []


def installed_size(pkgdir):
    total = 0
    for root, dirs, files in os.walk(pkgdir):
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                total += (os.path.getsize(path) + 1023) // 1024
    return total


def build_package(stanza, files, stage, work, out, version, arch, libdirs):
    name = stanza["Package"]
    pkgdir = os.path.join(work, name)
    for rel in files:
        dest = os.path.join(pkgdir, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy2(os.path.join(stage, rel), dest, follow_symlinks=False)
    elves = []
    for rel in files:
        path = os.path.join(pkgdir, rel)
        if is_elf(path):
            drop_runpath(path)  # make install's $ORIGIN/../lib: /usr/lib is searched anyway
            strip(path)
            elves.append(path)
        elif re.match(r"usr/share/man/.*\.[0-9]$", rel):
            with open(path, "rb") as src, open(path + ".gz", "wb") as raw:
                with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0,
                                   filename="") as gz:
                    shutil.copyfileobj(src, gz)
            os.unlink(path)
    doc = os.path.join(pkgdir, "usr/share/doc", name)
    os.makedirs(doc, exist_ok=True)
    shutil.copy(os.path.join(HERE, "copyright"), os.path.join(doc, "copyright"))
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")
    changelog = (f"cvirt ({version}) unstable; urgency=medium\n\n"
                 f"  * Packaged from the build tree by `make deb`.\n\n"
                 f" -- {MAINTAINER}  {date}\n")
    with open(os.path.join(doc, "changelog.gz"), "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
            gz.write(changelog.encode())
    overrides = os.path.join(HERE, name + ".lintian-overrides")
    if os.path.exists(overrides):
        dest = os.path.join(pkgdir, "usr/share/lintian/overrides")
        os.makedirs(dest, exist_ok=True)
        shutil.copy(overrides, os.path.join(dest, name))
    for root, dirs, names in os.walk(pkgdir):
        os.chmod(root, 0o755)
        for n in names:
            path = os.path.join(root, n)
            if not os.path.islink(path):
                executable = os.stat(path).st_mode & 0o111 and ".so" not in n  # as dh_fixperms
                os.chmod(path, 0o755 if executable else 0o644)

    depends = shlib_depends(work, elves, libdirs, version)
    if "Depends" in stanza:
        depends += [d.strip().replace("@VERSION@", version) for d in stanza["Depends"].split(",")]
    control_dir = os.path.join(pkgdir, "DEBIAN")
    os.makedirs(control_dir)
    control = [f"Package: {name}", "Source: cvirt", f"Version: {version}",
               f"Architecture: {arch}", f"Maintainer: {MAINTAINER}",
               f"Installed-Size: {installed_size(pkgdir)}"]
    if depends:
        control.append("Depends: " + ", ".join(depends))
    control += [f"Section: {stanza['Section']}", "Priority: optional",
                "Description: " + stanza["Description"]]
    with open(os.path.join(control_dir, "control"), "w") as f:
        f.write("\n".join(control) + "\n")
    if name == "libcvirt0":
        with open(os.path.join(control_dir, "shlibs"), "w") as f:
            f.write(f"libcvirt 0 libcvirt0 (>= {version})\n")
        with open(os.path.join(control_dir, "triggers"), "w") as f:
            f.write("activate-noawait ldconfig\n")
    with open(os.path.join(control_dir, "md5sums"), "w") as f:
        for root, dirs, names in os.walk(pkgdir):
            if root.startswith(control_dir):
                continue
            for n in sorted(names):
                path = os.path.join(root, n)
                if not os.path.islink(path):
                    digest = hashlib.md5(open(path, "rb").read()).hexdigest()
                    f.write(f"{digest}  {os.path.relpath(path, pkgdir)}\n")
    for n in os.listdir(control_dir):
        os.chmod(os.path.join(control_dir, n), 0o644)
    deb = os.path.join(out, f"{name}_{version}_{arch}.deb")
    run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", pkgdir, deb])
    return deb


def main():
    if len(sys.argv) != 3:
        fail("usage: make-debs.py BUILD_DIR OUT_DIR")
    build, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    version = project_version()
    arch = run(["dpkg", "--print-architecture"]).strip()
    stanzas = read_stanzas(os.path.join(HERE, "packages"))
    with tempfile.TemporaryDirectory(prefix="cvirt-deb-") as work:
        os.chmod(work, 0o755)
        stage = os.path.join(work, "stage")
        run(["cmake", "--install", build, "--prefix", "/usr"], env={**os.environ, "DESTDIR": stage})
        files = {s["Package"]: [] for s in stanzas}
        for rel in sorted(installed_paths(stage)):
            owner = next((s["Package"] for s in stanzas
                          if any(fnmatch.fnmatchcase(rel, p) for p in s["Files"].split())), None)
            if owner is None:
                fail(f"/{rel} is installed but no package in packaging/deb/packages takes it")
            files[owner].append(rel)
        libdirs = sorted({os.path.dirname(os.path.join(stage, r)) for r in files["libcvirt0"]
                          if ".so." in r})
        for s in stanzas:
            print(build_package(s, files[s["Package"]], stage, work, out, version, arch, libdirs))


if __name__ == "__main__":
    main()
