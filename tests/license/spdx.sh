#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every source file (C++, shell, Python, CMake, Makefile) names its license in an
# SPDX-License-Identifier line at its top (after a #! line): GPL-3.0-or-later (LICENSE),
# GPL-2.0-or-later for the nftables helper, which links GPL-2-only libnftables (README).
#   spdx.sh SOURCE_DIR          list the files without one; fails if there is any
#   spdx.sh --fix SOURCE_DIR    add the line where it is missing
set -euo pipefail
fix=false
if [ "${1:-}" = --fix ]; then fix=true; shift; fi
cd "$1"
license_of() {
    case "$1" in
        driver/net/helper/*) echo GPL-2.0-or-later ;;
        *) echo GPL-3.0-or-later ;;
    esac
}
sources() {
    local patterns=('*.cc' '*.h' '*.sh' '*.py' 'CMakeLists.txt' '*/CMakeLists.txt' 'Makefile')
    if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
        git ls-files --cached --others --exclude-standard -- "${patterns[@]}"
    else
        find . -path ./build -prune -o -type f \( -name '*.cc' -o -name '*.h' -o -name '*.sh' \
            -o -name '*.py' -o -name CMakeLists.txt -o -name Makefile \) -print | sed 's,^\./,,'
    fi | grep -v '^fuzz/corpus/\|^fuzz/regressions/\|^tests/data/' | sort
}
missing=()
while IFS= read -r f; do
    [ -f "$f" ] || continue
    want="SPDX-License-Identifier: $(license_of "$f")"
    head -3 "$f" | grep -q "SPDX-License-Identifier: " && {
        head -3 "$f" | grep -q "$want" || { echo "$f: not $want"; missing+=("$f"); }
        continue
    }
    if ! $fix; then
        echo "$f: no SPDX-License-Identifier line"
        missing+=("$f")
        continue
    fi
    case "$f" in
        *.cc | *.h) line="// $want" ;;
        *) line="# $want" ;;
    esac
    if head -1 "$f" | grep -q '^#!'; then
        sed -i "1a $line" "$f"
    else
        sed -i "1i $line" "$f"
    fi
done < <(sources)
if [ ${#missing[@]} -gt 0 ]; then
    echo "${#missing[@]} source file(s) without the right SPDX line: tests/license/spdx.sh --fix ."
    exit 1
fi
echo "every source file has its SPDX-License-Identifier"
