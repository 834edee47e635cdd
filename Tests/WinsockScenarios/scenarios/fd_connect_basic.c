/* A non-blocking connect that succeeds records FD_CONNECT with error 0 and FD_WRITE with it;
 * message mode posts FD_CONNECT before FD_WRITE (docs/SEMANTICS.md rules 4 and 7; Wine
 * test_connect_events). Nothing more follows. */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c = named(tcp_socket(), "client");
    sel(c, FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE);
    int rc = connect(c, (struct sockaddr *)&addr, sizeof addr);
    say("connect client -> %s", res(rc));
    check(c, 2);
    check(c, 0);
    do_close(c);
    do_close(l);
}

int main(void)
{
    startup("fd_connect_basic");
    BOTH_MODES(body);
    return 0;
}
