/* WSAEnumNetworkEvents neither returns nor clears a condition outside the current selection:
 * data that arrives while selecting FD_WRITE only shows up as FD_READ (with FD_WRITE) once
 * FD_READ is selected (docs/SEMANTICS.md rule 12; Wine test_read_events "WSAEnumNetworkEvents()
 * should not clear events we are not currently selecting for"). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_OOB);
    do_send(client, "data", 4, 0);
    await_bytes(server, 4);
    check(server, 0);
    sel(server, FD_READ | FD_WRITE);
    check(server, 2);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_read_not_selected_kept");
    BOTH_MODES(body);
    return 0;
}
