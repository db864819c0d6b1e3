#include "engine/table.h"

#include <algorithm>

namespace cvirt::shell {

void Table::print(std::ostream& out, bool header) const {
    std::vector<size_t> width(rows_[0].size(), 0);
    for (size_t r = header ? 0 : 1; r < rows_.size(); ++r)
        for (size_t c = 0; c < rows_[r].size() && c < width.size(); ++c)
            width[c] = std::max(width[c], rows_[r][c].size());
    auto printRow = [&](const std::vector<std::string>& row) {
        for (size_t c = 0; c < row.size(); ++c) {
            out << ' ' << row[c];
            if (c + 1 < row.size()) out << std::string(width[c] - row[c].size() + 2, ' ');
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
