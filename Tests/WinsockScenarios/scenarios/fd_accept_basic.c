/* FD_ACCEPT is recorded when a connection arrives on a selected listener; accept() of the only
 * pending connection re-enables it without a new record (docs/SEMANTICS.md rules 3, 9; Wine
 * test_accept_events). */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    sel(l, FD_ACCEPT);
    check(l, 0);
    SOCKET c = named(tcp_socket(), "client");
    say("connect client -> %s", res(connect(c, (struct sockaddr *)&addr, sizeof addr)));
    check(l, 1);
    SOCKET a = named(accept(l, NULL, NULL), "accepted");
    say("accept listener -> %s", a == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    check(l, 0);
    do_close(a);
    do_close(c);
    do_close(l);
}

int main(void)
{
    startup("fd_accept_basic");
    BOTH_MODES(body);
    return 0;
}
