/* WSAEventSelect, WSAAsyncSelect and WSAEnumNetworkEvents on INVALID_SOCKET and on a closed
 * socket fail with WSAENOTSOCK (docs/SEMANTICS.md "Bad input"; Microsoft's error tables); a
 * rejected call leaves another socket's selection intact. */
#include "../scenario.h"

int main(void)
{
    startup("bad_socket");
    WSAEVENT e = WSACreateEvent();
    HWND h = make_window();
    WSANETWORKEVENTS ne;
    SOCKET client, server;
    tcp_pair(&client, &server);
    SOCKET dead = named(tcp_socket(), "closed");
    closesocket(dead);
    say("WSAEventSelect server READ -> %s", res(WSAEventSelect(server, e, FD_READ)));
    SOCKET bad[2] = { INVALID_SOCKET, dead };
    for (int i = 0; i < 2; i++) {
        say("WSAEventSelect %s -> %s", nm(bad[i]), res(WSAEventSelect(bad[i], e, FD_READ)));
        say("WSAEventSelect %s 0 -> %s", nm(bad[i]), res(WSAEventSelect(bad[i], NULL, 0)));
        say("WSAAsyncSelect %s -> %s", nm(bad[i]), res(WSAAsyncSelect(bad[i], h, MSG_SOCK, FD_READ)));
        say("WSAEnumNetworkEvents %s -> %s", nm(bad[i]), res(WSAEnumNetworkEvents(bad[i], e, &ne)));
        say("closesocket %s -> %s", nm(bad[i]), res(closesocket(bad[i])));
        say("recv %s -> %s", nm(bad[i]), res(recv(bad[i], (char *)&ne, 4, 0)));
        u_long one = 1;
        say("ioctlsocket %s -> %s", nm(bad[i]), res(ioctlsocket(bad[i], FIONBIO, &one)));
    }
    do_send(client, "data", 4, 0);
    say("server wait -> %s", WaitForSingleObject(e, EXPECT_MS) == WAIT_OBJECT_0 ? "signaled" : "timeout");
    say("WSAEnumNetworkEvents server -> %s", res(WSAEnumNetworkEvents(server, e, &ne)));
    print_record(server, &ne);
    do_close(client); do_close(server);
    DestroyWindow(h);
    WSACloseEvent(e);
    return 0;
}
