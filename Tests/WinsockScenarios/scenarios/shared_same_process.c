/* WSADuplicateSocket for the caller's own process: the WSAPROTOCOL_INFO has Windows' size and
 * describes the socket; WSASocket(FROM_PROTOCOL_INFO) makes a second descriptor of the same
 * socket; options set through one read back through the other; closing one leaves the other
 * working (docs/SEMANTICS.md rules 17, 18, 19; Wine test_WSADuplicateSocket). */
#include "../scenario.h"

int main(void)
{
    startup("shared_same_process");
    say("sizeof WSAPROTOCOL_INFOA %d, WSAPROTOCOL_INFOW %d", (int)sizeof(WSAPROTOCOL_INFOA), (int)sizeof(WSAPROTOCOL_INFOW));
    SOCKET client, server;
    tcp_pair(&client, &server);
    WSAPROTOCOL_INFOA info;
    memset(&info, 0, sizeof info);
    say("WSADuplicateSocketA -> %s", res(WSADuplicateSocketA(server, GetCurrentProcessId(), &info)));
    say("iAddressFamily %d AF_INET=%d, iSocketType %d SOCK_STREAM=%d, iProtocol %d IPPROTO_TCP=%d",
        info.iAddressFamily, AF_INET, info.iSocketType, SOCK_STREAM, info.iProtocol, IPPROTO_TCP);
    SOCKET dup = named(WSASocketA(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, 0), "dup");
    say("WSASocketA -> %s", dup == INVALID_SOCKET ? res(SOCKET_ERROR) : (dup == server ? "same handle" : "new socket"));
    BOOL on = TRUE, got = FALSE;
    int len = sizeof got;
    say("setsockopt server SO_KEEPALIVE 1 -> %s", res(setsockopt(server, SOL_SOCKET, SO_KEEPALIVE, (const char *)&on, sizeof on)));
    int rc = getsockopt(server, SOL_SOCKET, SO_KEEPALIVE, (char *)&got, &len);
    say("getsockopt server SO_KEEPALIVE -> %s value %d", res(rc), got ? 1 : 0);
    got = FALSE;
    len = sizeof got;
    rc = getsockopt(dup, SOL_SOCKET, SO_KEEPALIVE, (char *)&got, &len);
    say("getsockopt dup SO_KEEPALIVE -> %s value %d", res(rc), got ? 1 : 0);
    do_close(server);
    do_send(client, "still", 5, 0);
    await_bytes(dup, 5);
    do_recv(dup, 16, 0);
    do_send(dup, "back", 4, 0);
    await_bytes(client, 4);
    do_recv(client, 16, 0);
    do_close(dup);
    do_recv(client, 16, 0);
    do_close(client);
    return 0;
}
