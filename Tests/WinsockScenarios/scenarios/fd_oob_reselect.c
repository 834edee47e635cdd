/* Re-selecting FD_OOB after it was reported: message mode posts it again, event mode keeps it
 * suppressed (docs/SEMANTICS.md rule 13; Wine test_oob_events). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_OOB);
    do_send(client, "a", 1, MSG_OOB);
    check(server, 1);
    sel(server, FD_OOB);
    check(server, message_mode);
    sel(server, 0);
    sel(server, FD_OOB);
    check(server, message_mode);
    do_recv(server, 1, MSG_OOB);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_oob_reselect");
    BOTH_MODES(body);
    return 0;
}
