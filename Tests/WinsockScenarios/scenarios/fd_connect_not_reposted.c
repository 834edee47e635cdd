/* FD_CONNECT is never re-enabled: after it was reported, re-selecting (also after a cancel)
 * posts only FD_WRITE in message mode and nothing in event mode (docs/SEMANTICS.md rules 9,
 * 13; Wine test_connect_events). */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c = named(tcp_socket(), "client");
    sel(c, FD_CONNECT | FD_WRITE);
    say("connect client -> %s", res(connect(c, (struct sockaddr *)&addr, sizeof addr)));
    check(c, 2);
    sel(c, FD_CONNECT | FD_WRITE);
    check(c, message_mode);
    sel(c, 0);
    sel(c, FD_CONNECT | FD_WRITE);
    check(c, message_mode);
    do_close(c); do_close(l);
}

int main(void)
{
    startup("fd_connect_not_reposted");
    BOTH_MODES(body);
    return 0;
}
