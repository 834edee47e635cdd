/* FD_CLOSE is recorded once and never re-enabled: recv returning 0 after it records nothing
 * (docs/SEMANTICS.md rule 5; Wine test_close_events). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ | FD_CLOSE);
    do_close(client);
    check(server, 1);
    do_recv(server, 5, 0);
    check(server, 0);
    do_recv(server, 5, 0);
    check(server, 0);
    do_close(server);
}

int main(void)
{
    startup("fd_close_once");
    BOTH_MODES(body);
    return 0;
}
