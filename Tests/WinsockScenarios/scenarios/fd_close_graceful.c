/* The peer's graceful closesocket records FD_CLOSE with error 0, once (docs/SEMANTICS.md
 * rule 5; Wine test_close_events). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ | FD_CLOSE);
    check(server, 0);
    do_close(client);
    check(server, 1);
    check(server, 0);
    do_close(server);
}

int main(void)
{
    startup("fd_close_graceful");
    BOTH_MODES(body);
    return 0;
}
