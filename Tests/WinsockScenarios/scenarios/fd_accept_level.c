/* Level re-posting of FD_ACCEPT: two connections wait; after accepting the first, FD_ACCEPT is
 * recorded again because one is still pending; after the last, nothing (docs/SEMANTICS.md
 * rule 10; Wine test_accept_events). Connections made before selecting are recorded at select
 * time (rule 8). */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c1 = named(tcp_socket(), "client1");
    SOCKET c2 = named(tcp_socket(), "client2");
    say("connect client1 -> %s", res(connect(c1, (struct sockaddr *)&addr, sizeof addr)));
    say("connect client2 -> %s", res(connect(c2, (struct sockaddr *)&addr, sizeof addr)));
    sel(l, FD_ACCEPT);
    check(l, 1);
    SOCKET a1 = named(accept(l, NULL, NULL), "accepted1");
    say("accept listener -> %s", a1 == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    check(l, 1);
    SOCKET a2 = named(accept(l, NULL, NULL), "accepted2");
    say("accept listener -> %s", a2 == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    check(l, 0);
    do_close(a1); do_close(a2); do_close(c1); do_close(c2); do_close(l);
}

int main(void)
{
    startup("fd_accept_level");
    BOTH_MODES(body);
    return 0;
}
