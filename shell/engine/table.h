// SPDX-License-Identifier: GPL-3.0-or-later
// virsh's table layout (vsh-table.c): " cell" + padding to the column width + 2, a dashed
// line under the header of sum(width + 3), no header in quiet mode. Widths are display
// widths, as virsh's (a wide character takes two columns, an accent none).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace cvirt::shell {

// Columns a terminal gives `text` (UTF-8): 2 for a wide character, 0 for a combining one.
size_t displayWidth(std::string_view text);

class Table {
public:
    explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    void print(std::ostream& out, bool header = true) const;
    size_t rows() const { return rows_.size() - 1; }  // without the header

private:
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace cvirt::shell
