/* Re-selecting FD_READ while data is queued and FD_READ was reported: message mode posts it
 * again, event mode keeps it suppressed (docs/SEMANTICS.md rule 13; Wine test_read_events). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ);
    do_send(client, "data", 4, 0);
    check(server, 1);
    sel(server, FD_READ);
    check(server, message_mode);
    sel(server, 0);
    sel(server, FD_READ);
    check(server, message_mode);
    do_recv(server, 16, 0);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_read_reselect");
    BOTH_MODES(body);
    return 0;
}
