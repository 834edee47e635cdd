/* FD_READ is recorded when data arrives (docs/SEMANTICS.md rule 1; Wine test_read_events);
 * the receive that takes all of it re-enables FD_READ without a new record, and the next data
 * records FD_READ again (rule 9). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ);
    check(server, 0);
    do_send(client, "hello", 5, 0);
    check(server, 1);
    do_recv(server, 5, 0);
    check(server, 0);
    do_send(client, "again", 5, 0);
    check(server, 1);
    do_recv(server, 5, 0);
    check(server, 0);
    do_close(client);
    do_close(server);
}

int main(void)
{
    startup("fd_read_basic");
    BOTH_MODES(body);
    return 0;
}
