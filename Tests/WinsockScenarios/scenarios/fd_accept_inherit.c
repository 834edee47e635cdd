/* accept() returns a socket with the listener's selection (docs/SEMANTICS.md rule 16; Wine
 * test_accept_events "The socket returned from accept() inherits the same parameters"): the
 * same event object or window and message, the new socket as wParam; its record starts empty
 * and records FD_WRITE at once, never FD_CONNECT or FD_ACCEPT. It is non-blocking. */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c = named(tcp_socket(), "client");
    sel(l, FD_CONNECT | FD_READ | FD_OOB | FD_ACCEPT | FD_WRITE);
    say("connect client -> %s", res(connect(c, (struct sockaddr *)&addr, sizeof addr)));
    check(l, 1);
    SOCKET a = named(accept(l, NULL, NULL), "accepted");
    say("accept listener -> %s", a == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    check(a, 1);
    check(a, 0);
    do_recv(a, 10, 0);
    do_send(c, "data", 4, 0);
    check(a, 1);
    check(l, 0);
    do_close(a); do_close(c); do_close(l);
}

int main(void)
{
    startup("fd_accept_inherit");
    BOTH_MODES(body);
    return 0;
}
