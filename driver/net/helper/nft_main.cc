// SPDX-License-Identifier: GPL-2.0-or-later
// cvirt-nft: libnftables for cvirt. `cvirt-nft run` applies the nft commands on stdin as one
// transaction; `cvirt-nft list FAMILY TABLE` prints the table. Errors go to stderr, exit 1.
#include <nftables/libnftables.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
    nft_ctx* ctx = nft_ctx_new(NFT_CTX_DEFAULT);
    if (!ctx) {
        std::fputs("cannot create an nftables context\n", stderr);
        return 1;
    }
    nft_ctx_buffer_output(ctx);
    nft_ctx_buffer_error(ctx);
    std::string cmd;
    if (argc == 2 && std::strcmp(argv[1], "run") == 0) {
        cmd.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else if (argc == 4 && std::strcmp(argv[1], "list") == 0) {
        cmd = std::string("list table ") + argv[2] + " " + argv[3];
    } else {
        std::fputs("usage: cvirt-nft run < COMMANDS | cvirt-nft list FAMILY TABLE\n", stderr);
        return 2;
    }
    int rc = nft_run_cmd_from_buffer(ctx, cmd.c_str());
    std::fputs(nft_ctx_get_output_buffer(ctx), stdout);
    std::fputs(nft_ctx_get_error_buffer(ctx), stderr);
    nft_ctx_free(ctx);
    return rc == 0 ? 0 : 1;
}
