/* A connect completed while selecting a subset without FD_CONNECT records nothing selected;
 * re-selecting with FD_CONNECT records FD_CONNECT (and FD_WRITE) in event mode, message mode
 * posts only FD_WRITE (docs/SEMANTICS.md rules 8, 13; Wine test_connect_events "select on a
 * subset not containing FD_CONNECT first"). */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c = named(tcp_socket(), "client");
    sel(c, FD_OOB);
    int rc = connect(c, (struct sockaddr *)&addr, sizeof addr);
    say("connect client -> %s", res(rc));
    SOCKET a = named(accept(l, NULL, NULL), "accepted");
    say("accept listener -> %s", a == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    check(c, 0);
    sel(c, FD_OOB | FD_CONNECT | FD_WRITE);
    check(c, 1);
    check(c, 0);
    do_close(a); do_close(c); do_close(l);
}

int main(void)
{
    startup("fd_connect_subset_first");
    BOTH_MODES(body);
    return 0;
}
