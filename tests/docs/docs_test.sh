#!/usr/bin/env bash
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
        lits.append(m.group(1).replace('\\"', '"').replace("\\n", "\n"))
corpus = "\x00".join(lits)
joined = "".join(lits)
doc = open(os.path.join(src, "docs", "TROUBLESHOOTING.md")).read()
blocks = re.findall(r"```text\n(.*?)```", doc, re.S)
errors = [l[len("error: "):] for b in blocks for l in b.splitlines() if l.startswith("error: ")]
if len(errors) < 20:
    print(f"FAIL: docs/TROUBLESHOOTING.md quotes only {len(errors)} error lines (want >= 20)")
    sys.exit(1)
missing = 0
for e in errors:
    # variable parts: '...' quoted values, /paths, numbers, errno texts after the last ': '
    pieces = re.split(r"'[^']*'|/[\w./-]+|\b\d+\b", e)
    for p in pieces:
        p = p.strip(" :,.()")
        if len(p) < 12:
            continue
        if p not in joined:
            # the text after the last ': ' may be strerror's; accept when the rest is found
            head = p.rsplit(": ", 1)[0]
            if len(head) >= 12 and head in joined:
                continue
            print(f"FAIL: troubleshooting error not found in the sources: {p!r}\n      (from: error: {e})")
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
