// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/table.h"

#include <locale.h>

#include <algorithm>
#include <cwchar>

namespace cvirt::shell {

size_t displayWidth(std::string_view text) {
    // UTF-8 whatever the process's locale (a static cvirsh never calls setlocale)
    static const locale_t utf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t(nullptr));
    if (!utf8) return text.size();
    locale_t previous = ::uselocale(utf8);
    std::mbstate_t state{};
    size_t width = 0;
    const char* p = text.data();
    size_t left = text.size();
    while (left > 0) {
        wchar_t wc = 0;
        size_t n = std::mbrtowc(&wc, p, left, &state);
        if (n == static_cast<size_t>(-1) || n == static_cast<size_t>(-2)) {
            width += left;  // not UTF-8: one column a byte
            break;
        }
        if (n == 0) n = 1;
        int w = ::wcwidth(wc);
        width += w < 0 ? 1 : static_cast<size_t>(w);
        p += n;
        left -= n;
    }
    ::uselocale(previous);
    return width;
}

void Table::print(std::ostream& out, bool header) const {
    std::vector<size_t> width(rows_[0].size(), 0);
    for (size_t r = header ? 0 : 1; r < rows_.size(); ++r)
        for (size_t c = 0; c < rows_[r].size() && c < width.size(); ++c)
            width[c] = std::max(width[c], displayWidth(rows_[r][c]));
    auto printRow = [&](const std::vector<std::string>& row) {
        for (size_t c = 0; c < row.size(); ++c) {
            out << ' ' << row[c];
            if (c + 1 < row.size()) out << std::string(width[c] - displayWidth(row[c]) + 2, ' ');
        }
        out << '\n';
    };
    if (header) {
        printRow(rows_[0]);
        size_t dashes = 0;
        for (size_t w : width)
            dashes += w + 3;
        out << std::string(dashes, '-') << '\n';
    }
    for (size_t r = 1; r < rows_.size(); ++r)
        printRow(rows_[r]);
}

}  // namespace cvirt::shell
