#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The docs stay true to the code: docs/SHELL.md is what the command table generates, every
# `error:` line quoted in docs/TROUBLESHOOTING.md is one the sources really print, every
# element docs/XML.md gives a section is in our schemas, and every relative link resolves.
set -uo pipefail
src=$1 build=$2
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# 1. The shell reference.
if ! diff -u "$src/docs/SHELL.md" <("$build/bin/cvirsh" manpage --markdown) >/tmp/cvirt-docs-diff.$$; then
  head -40 /tmp/cvirt-docs-diff.$$
  bad "docs/SHELL.md differs from 'cvirsh manpage --markdown' (run: make docs)"
fi
rm -f /tmp/cvirt-docs-diff.$$

# 2. Troubleshooting: each quoted error line, split at its variable parts (quoted names,
# paths, numbers), has its constant pieces in driver/ or shell/.
python3 - "$src" <<'PY' || fail=1
import os, re, sys
src = sys.argv[1]
code = []
for top in ("driver", "shell"):
    for d, _, files in os.walk(os.path.join(src, top)):
        for f in files:
            if f.endswith((".cc", ".h")):
                code.append(open(os.path.join(d, f), errors="replace").read())
# C++ string literals, joined as the compiler joins adjacent ones.
lits = []
for text in code:
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', text):
        lit = m.group(1).replace('\\"', '"').replace("\\n", "\n")
        # the controllers' socket protocol prefixes errors with "error "
        lits.append(lit[len("error "):] if lit.startswith("error ") else lit)
corpus = "\x00".join(lits)
joined = "".join(lits)
doc = open(os.path.join(src, "docs", "TROUBLESHOOTING.md")).read()
blocks = re.findall(r"```text\n(.*?)```", doc, re.S)
errors = [l[len("error: "):] for b in blocks for l in b.splitlines() if l.startswith("error: ")]
if len(errors) < 20:
    print(f"FAIL: docs/TROUBLESHOOTING.md quotes only {len(errors)} error lines (want >= 20)")
    sys.exit(1)
# A line is real when the sources' literals cover its constant text: what is left once the
# variable parts (quoted values, paths, numbers, errno texts) are taken out.
lits = sorted({l.strip() for l in lits if len(l.strip()) >= 5}, key=len, reverse=True)
strerror = re.compile(r"(No such file or directory|Permission denied|File exists|Operation not "
                      r"permitted|Device or resource busy|Invalid argument|No such process|"
                      r"Resource temporarily unavailable|Connection refused|Not a directory)")
missing = 0
for e in errors:
    line = e
    covered = [False] * len(line)
    # variable: quoted values, paths, numbers, file:line prefixes, element names, errno
    # texts, and what other programs said (libxml2's parser, qemu's QMP replies)
    variable = (r"'[^']*'|/[\w./-]+|\b\d+\b|[\w.-]+\.xml(:\d+)?:?|<[^>]*>|"
                r"malformed XML: .*|QMP.*|QEMU command .*|" + strerror.pattern)
    for m in re.finditer(variable, line):
        for i in range(m.start(), m.end()):
            covered[i] = True
    for l in lits:
        start = line.find(l)
        while start >= 0:
            for i in range(start, start + len(l)):
                covered[i] = True
            start = line.find(l, start + 1)
    letters = [i for i, ch in enumerate(line) if ch.isalpha()]
    uncovered = "".join(line[i] for i in letters if not covered[i])
    if letters and len(uncovered) > 0.25 * len(letters):
        print(f"FAIL: troubleshooting error not printed by the sources: error: {e}")
        missing += 1
print(f"troubleshooting: {len(errors)} error lines checked, {missing} not found")
sys.exit(1 if missing else 0)
PY

# 3. XML reference: every '### <element>' is an element of schemas/*.rng.
python3 - "$src" <<'PY' || fail=1
import glob, os, re, sys
src = sys.argv[1]
names = set()
for f in glob.glob(os.path.join(src, "schemas", "*.rng")):
    names |= set(re.findall(r'<element name="([\w:-]+)"', open(f).read()))
names = {n.split(":")[-1] for n in names}
doc = open(os.path.join(src, "docs", "XML.md")).read()
heads = re.findall(r"^### <([\w:-]+)>", doc, re.M)
if len(heads) < 40:
    print(f"FAIL: docs/XML.md documents only {len(heads)} elements (want >= 40)")
    sys.exit(1)
unknown = [h for h in heads if h.split(":")[-1] not in names]
for h in unknown:
    print(f"FAIL: docs/XML.md documents <{h}>, which no schema defines")
print(f"xml reference: {len(heads)} elements checked, {len(unknown)} unknown")
sys.exit(1 if unknown else 0)
PY

# 4. Relative links in README and docs/ resolve.
for f in "$src"/README.md "$src"/docs/*.md; do
  grep -o '](\([^)#:]*\)' "$f" | sed 's/^](//' | while read -r target; do
    [ -z "$target" ] && continue
    [ -e "$(dirname "$f")/$target" ] || echo "FAIL: $(basename "$f") links to missing $target"
  done
done | tee /tmp/cvirt-docs-links.$$
[ -s /tmp/cvirt-docs-links.$$ ] && fail=1
rm -f /tmp/cvirt-docs-links.$$
exit $fail
