/* A connection accepted before selecting leaves nothing to record (docs/SEMANTICS.md rule 8;
 * Wine test_accept_events "As above, but call accept() before selecting"). */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c = named(tcp_socket(), "client");
    say("connect client -> %s", res(connect(c, (struct sockaddr *)&addr, sizeof addr)));
    SOCKET a = named(accept(l, NULL, NULL), "accepted");
    say("accept listener -> %s", a == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    sel(l, FD_ACCEPT);
    check(l, 0);
    do_close(a); do_close(c); do_close(l);
}

int main(void)
{
    startup("fd_accept_consumed_before_select");
    BOTH_MODES(body);
    return 0;
}
