# SPDX-License-Identifier: GPL-3.0-or-later
# libvirt's RPC spoken by hand to cvirtd, for what no library client does on purpose:
#   python3 raw_client.py SOCKET stray        a stream packet for a stream never opened;
#                                             prints "dropped" once the server closes on it
#   python3 raw_client.py SOCKET vanish NAME  opens NAME's console (forced), reads some of it and
#                                             leaves without finishing; prints "left"
#   python3 raw_client.py SOCKET idle NAME    opens NAME's console (forced), never reads it; prints
#                                             "attached", then waits for stdin to close
#   python3 raw_client.py SOCKET fds          a call that passes a descriptor (CALL_WITH_FDS),
#                                             then a plain one; prints "answered" when both are
#   python3 raw_client.py SOCKET legacy NAME  registers for lifecycle events the old way
#                                             (one per event id, no callback id); prints
#                                             "registered", then "EVENT DETAIL" of NAME's first
import os
import socket
import struct
import sys

REMOTE = 0x20008086
CALL, REPLY, MESSAGE, STREAM, CALL_WITH_FDS = 0, 1, 2, 3, 4
OK, CONTINUE = 0, 2
serial = 0


def xdr_string(s):
    b = s.encode()
    return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)


def send(sock, proc, body=b"", type_=CALL, status=OK, ser=None):
    global serial
    if ser is None:
        serial += 1
        ser = serial
    sock.sendall(struct.pack(">IIIiiIi", 28 + len(body), REMOTE, 1, proc, type_, ser, status) + body)
    return ser


def receive(sock):
    def exact(n):
        data = b""
        while len(data) < n:
            part = sock.recv(n - len(data))
            if not part:
                return None
            data += part
        return data
    head = exact(28)
    if head is None:
        return None
    length, _, _, proc, type_, ser, status = struct.unpack(">IIIiiIi", head)
    return proc, type_, ser, status, exact(length - 28)


def call(sock, proc, body=b""):
    ser = send(sock, proc, body)
    while True:
        proc_, type_, ser_, status, payload = receive(sock)
        if type_ == REPLY and ser_ == ser:
            assert status == OK, "call %d failed: %r" % (proc, payload)
            return payload


def console(path, name):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    sock.settimeout(60)
    call(sock, 1, struct.pack(">I", 1) + xdr_string("lxc:///system") + struct.pack(">I", 0))
    dom = call(sock, 23, xdr_string(name))  # lookup by name: the domain, as the server wrote it
    # open console: no devname, VIR_DOMAIN_CONSOLE_FORCE (the client before may still be
    # attached: the server lets its console go when it notices the client gone)
    ser = send(sock, 201, dom + struct.pack(">II", 0, 1))
    return sock, ser


path, mode = sys.argv[1], sys.argv[2]
if mode == "stray":
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    sock.settimeout(30)
    send(sock, 201, b"data for nobody\n", type_=STREAM, status=CONTINUE, ser=77)
    assert receive(sock) is None, "the server answered a stray stream packet"
    print("dropped")
elif mode == "fds":
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    sock.settimeout(30)
    keepalive = struct.pack(">i", 10)  # supports-feature(VIR_DRV_FEATURE_PROGRAM_KEEPALIVE)
    # the header, then how many descriptors follow the message, then the body
    sock.sendall(struct.pack(">IIIiiIiI", 32 + len(keepalive), REMOTE, 1, 60, CALL_WITH_FDS,
                             100, OK, 1) + keepalive)
    r, w = os.pipe()
    socket.send_fds(sock, [b"\0"], [r])  # as libvirt sends one: on a byte of its own
    os.close(r)
    os.close(w)
    proc, type_, ser, status, payload = receive(sock)
    assert (type_, ser, status, payload) == (REPLY, 100, OK, struct.pack(">i", 1)), (type_, ser)
    assert call(sock, 60, keepalive) == struct.pack(">i", 1)  # the stream is still in step
    print("answered")
elif mode == "legacy":
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    sock.settimeout(60)
    call(sock, 1, struct.pack(">I", 1) + xdr_string("lxc:///system") + struct.pack(">I", 0))
    call(sock, 167, struct.pack(">i", 0))  # connect-domain-event-register-any(LIFECYCLE)
    print("registered", flush=True)
    name = xdr_string(sys.argv[3])
    while True:
        proc, type_, ser, status, payload = receive(sock)
        # remote_domain_event_lifecycle_msg: the domain (name, uuid, id), event, detail
        if type_ == MESSAGE and proc == 107 and payload.startswith(name):
            print("%d %d" % struct.unpack(">ii", payload[len(name) + 20:]))
            break
elif mode == "vanish":
    sock, ser = console(path, sys.argv[3])
    got = 0
    while got < 2:  # the reply, then at least one packet of data
        proc, type_, ser_, status, payload = receive(sock)
        assert status != 1, "the console refused: %r" % payload
        got += ser_ == ser
    sock.close()
    print("left")
elif mode == "idle":
    sock, ser = console(path, sys.argv[3])
    print("attached", flush=True)
    sys.stdin.read()
    sock.close()
