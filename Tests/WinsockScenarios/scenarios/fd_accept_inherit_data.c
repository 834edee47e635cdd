/* The accepted socket's inherited selection is evaluated at once: data the peer sent before the
 * accept is recorded as FD_READ together with FD_WRITE (message mode: READ before WRITE)
 * (docs/SEMANTICS.md rules 7, 8, 16; inferred from the Windows documentation that the accepted
 * socket "has the same properties" and from registration-time evaluation; Wine agrees). */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c = named(tcp_socket(), "client");
    sel(l, FD_ACCEPT | FD_READ | FD_WRITE | FD_CLOSE);
    say("connect client -> %s", res(connect(c, (struct sockaddr *)&addr, sizeof addr)));
    check(l, 1);
    do_send(c, "early", 5, 0);
    SOCKET a = named(accept(l, NULL, NULL), "accepted");
    say("accept listener -> %s", a == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    await_bytes(a, 5);
    check(a, 2);
    do_recv(a, 10, 0);
    check(a, 0);
    do_close(a); do_close(c); do_close(l);
}

int main(void)
{
    startup("fd_accept_inherit_data");
    BOTH_MODES(body);
    return 0;
}
