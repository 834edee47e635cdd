/* Re-selecting after FD_ACCEPT was reported and not re-enabled: message mode posts it again,
 * event mode keeps it suppressed, also across a cancel (docs/SEMANTICS.md rule 13; Wine
 * test_accept_events: `select_events(...); if (ctx->is_message) check_events(FD_ACCEPT)`). */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c = named(tcp_socket(), "client");
    sel(l, FD_ACCEPT);
    say("connect client -> %s", res(connect(c, (struct sockaddr *)&addr, sizeof addr)));
    check(l, 1);
    sel(l, FD_ACCEPT);
    check(l, message_mode);
    sel(l, 0);
    sel(l, FD_ACCEPT);
    check(l, message_mode);
    do_close(c); do_close(l);
}

int main(void)
{
    startup("fd_accept_reselect");
    BOTH_MODES(body);
    return 0;
}
