/* A second connection arriving while FD_ACCEPT is reported and not re-enabled. Message mode:
 * nothing is posted. Event mode: Windows records FD_ACCEPT again; Wine does not (Wine's
 * test_accept_events marks it `if (!ctx->is_message) check_events_todo(ctx, FD_ACCEPT, 0, 200)`,
 * after the same select / select(0) / select sequence as here). accept() of the first then
 * re-posts (one still pending), accept() of the second leaves nothing
 * (docs/SEMANTICS.md rules 9, 10). */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c1 = named(tcp_socket(), "client1");
    SOCKET c2 = named(tcp_socket(), "client2");
    sel(l, FD_ACCEPT);
    say("connect client1 -> %s", res(connect(c1, (struct sockaddr *)&addr, sizeof addr)));
    check(l, 1);
    sel(l, FD_ACCEPT);
    check(l, message_mode);
    sel(l, 0);
    sel(l, FD_ACCEPT);
    check(l, message_mode);
    say("connect client2 -> %s", res(connect(c2, (struct sockaddr *)&addr, sizeof addr)));
    check(l, !message_mode);
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
    startup("fd_accept_while_reported");
    BOTH_MODES(body);
    return 0;
}
