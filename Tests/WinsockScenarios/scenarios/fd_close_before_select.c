/* A peer that closed before FD_CLOSE was selected: FD_CLOSE is recorded at select time, also
 * when a subset without FD_CLOSE was selected while it closed (docs/SEMANTICS.md rule 8; Wine
 * test_close_events "Close and then select" and "select on a subset not containing FD_CLOSE
 * first"). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    do_close(client);
    sel(server, FD_READ | FD_CLOSE);
    check(server, 1);
    check(server, 0);
    do_close(server);

    tcp_pair(&client, &server);
    sel(server, FD_READ);
    do_close(client);
    check(server, 0);
    sel(server, FD_READ | FD_CLOSE);
    check(server, 1);
    check(server, 0);
    do_close(server);
}

int main(void)
{
    startup("fd_close_before_select");
    BOTH_MODES(body);
    return 0;
}
