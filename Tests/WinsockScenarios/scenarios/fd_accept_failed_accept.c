/* Any call to the re-enabling function re-enables the event, even one that fails
 * (docs/SEMANTICS.md rule 9; Microsoft's WSAEventSelect documentation). accept() with an address
 * length too small for the address fails with WSAEFAULT and leaves the connection queued; it still
 * re-enables FD_ACCEPT, which is recorded again at once because the connection still waits. A
 * later accept takes it. Wine 8.0 instead takes the connection off the queue and then fails (the
 * next accept finds nothing), and does not re-record FD_ACCEPT; Microsoft's accept documentation
 * gives WSAEFAULT for "The addrlen parameter is too small", a check of the arguments. */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr, peer;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c = named(tcp_socket(), "client");
    sel(l, FD_ACCEPT);
    say("connect client -> %s", res(connect(c, (struct sockaddr *)&addr, sizeof addr)));
    check(l, 1);
    int len = 1;
    SOCKET a = accept(l, (struct sockaddr *)&peer, &len);
    say("accept listener (addrlen 1) -> %s", a == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    check(l, 1);
    a = named(accept(l, NULL, NULL), "accepted");
    say("accept listener -> %s", a == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    check(l, 0);
    do_close(a); do_close(c); do_close(l);
}

int main(void)
{
    startup("fd_accept_failed_accept");
    BOTH_MODES(body);
    return 0;
}
