/* Data that arrived while the socket was not selected (lEvent 0) is recorded when FD_READ is
 * selected again; data that arrived and was consumed while unselected leaves nothing
 * (docs/SEMANTICS.md rule 8 and "Not selected"; Wine test_read_events "Send data while we're
 * not selecting"). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ);
    sel(server, 0);
    do_send(client, "data", 4, 0);
    await_bytes(server, 4);
    check(server, 0);
    sel(server, FD_READ);
    check(server, 1);
    do_recv(server, 16, 0);
    check(server, 0);
    sel(server, 0);
    do_send(client, "more", 4, 0);
    await_bytes(server, 4);
    do_recv(server, 16, 0);
    sel(server, FD_READ);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_read_unselected");
    BOTH_MODES(body);
    return 0;
}
