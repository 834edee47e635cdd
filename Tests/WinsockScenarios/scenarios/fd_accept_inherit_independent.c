/* After accept, the accepted socket's selection is its own: cancelling the listener's selection
 * leaves it, and re-selecting the accepted socket leaves the listener's (docs/SEMANTICS.md rule
 * 16; Microsoft: "To change, call WSAEventSelect/WSAAsyncSelect on the accepted socket"). */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c1 = named(tcp_socket(), "client1");
    SOCKET c2 = named(tcp_socket(), "client2");
    sel(l, FD_ACCEPT | FD_READ);
    say("connect client1 -> %s", res(connect(c1, (struct sockaddr *)&addr, sizeof addr)));
    check(l, 1);
    SOCKET a = named(accept(l, NULL, NULL), "accepted");
    say("accept listener -> %s", a == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    sel(l, 0);
    do_send(c1, "data", 4, 0);
    check(a, 1);
    do_recv(a, 16, 0);
    sel(l, FD_ACCEPT);
    sel(a, FD_CLOSE);
    say("connect client2 -> %s", res(connect(c2, (struct sockaddr *)&addr, sizeof addr)));
    check(l, 1);
    do_close(c1);
    check(a, 1);
    do_close(a); do_close(c2); do_close(l);
}

int main(void)
{
    startup("fd_accept_inherit_independent");
    BOTH_MODES(body);
    return 0;
}
