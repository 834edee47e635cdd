/* Re-selecting FD_WRITE after it was reported: message mode posts it again (also after a
 * cancel), event mode keeps it suppressed (docs/SEMANTICS.md rule 13; Wine test_write_events). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_WRITE);
    check(server, 1);
    sel(server, FD_WRITE);
    check(server, message_mode);
    sel(server, 0);
    check(server, 0);
    sel(server, FD_WRITE);
    check(server, message_mode);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_write_reselect");
    BOTH_MODES(body);
    return 0;
}
