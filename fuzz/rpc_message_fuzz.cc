// SPDX-License-Identifier: GPL-3.0-or-later
// libvirt RPC messages as cvirtd reads them from a client's socket: the bytes fed to the
// framer in pieces (their size from the first byte), each whole message decoded and its body
// read as an error body. A message that decodes encodes back to itself; nothing is read past
// the bytes given, and a lying length is refused before it is waited for.
#include "cvirt/error.h"
#include "fuzz_target.h"
#include "rpc/message.h"

using namespace cvirt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in = fuzz::asText(data, size);
    size_t step = size ? data[0] % 16 + 1 : 1;
    rpc::MessageFramer framer;
    try {
        for (size_t off = 0; off < in.size(); off += step) {
            framer.add(in.substr(off, step));
            while (auto m = framer.next()) {
                rpc::Message back =
                    rpc::decodeMessage(rpc::encodeMessage(m->header, m->body, m->fdCount));
                if (!(back.header == m->header) || back.body != m->body ||
                    back.fdCount != m->fdCount)
                    fuzz::invariantBroken("decode(encode(m)) != m", m->body);
                rpc::XdrReader body(m->body);
                try {
                    rpc::RemoteError e = rpc::decodeError(body);
                    rpc::XdrWriter w;
                    rpc::encodeError(w, e);
                    rpc::XdrReader again(w.bytes());
                    if (!(rpc::decodeError(again) == e))
                        fuzz::invariantBroken("error body does not round-trip", m->body);
                } catch (const Error&) {
                }
            }
        }
    } catch (const Error&) {
    }
    return 0;
}
