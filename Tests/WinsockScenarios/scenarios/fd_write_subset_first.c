/* Selecting a subset without FD_WRITE first, then with FD_WRITE: FD_WRITE is recorded because
 * it was never reported (docs/SEMANTICS.md rule 8; Wine test_write_events "Select on a subset
 * not containing FD_WRITE first"). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ);
    check(server, 0);
    sel(server, FD_READ | FD_WRITE);
    check(server, 1);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_write_subset_first");
    BOTH_MODES(body);
    return 0;
}
