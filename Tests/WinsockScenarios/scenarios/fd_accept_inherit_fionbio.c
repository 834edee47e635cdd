/* An accepted socket inherits the listener's active selection, so FIONBIO 0 on it fails with
 * WSAEINVAL until its own selection is cancelled (docs/SEMANTICS.md rules 15, 16; Wine
 * test_fionbio and test_accept_events). */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c = named(tcp_socket(), "client");
    sel(l, FD_ACCEPT | FD_READ);
    say("connect client -> %s", res(connect(c, (struct sockaddr *)&addr, sizeof addr)));
    check(l, 1);
    SOCKET a = named(accept(l, NULL, NULL), "accepted");
    say("accept listener -> %s", a == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    set_nbio(a, 0);
    do_recv(a, 10, 0);
    sel(a, 0);
    set_nbio(a, 0);
    do_send(c, "x", 1, 0);
    do_recv(a, 10, 0);
    do_close(a); do_close(c); do_close(l);
}

int main(void)
{
    startup("fd_accept_inherit_fionbio");
    BOTH_MODES(body);
    return 0;
}
