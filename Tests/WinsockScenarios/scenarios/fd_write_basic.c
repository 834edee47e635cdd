/* Selecting FD_WRITE on a connected socket records it at once; a successful send neither
 * records nor re-enables it (docs/SEMANTICS.md rules 6, 8, 9; Wine test_write_events). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ | FD_WRITE);
    check(server, 1);
    check(server, 0);
    do_send(server, "hello", 5, 0);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_write_basic");
    BOTH_MODES(body);
    return 0;
}
