/* Level re-posting of FD_READ: a receive that leaves data re-records FD_READ at once; one-byte
 * receives re-record after each while data remains and nothing after the last byte
 * (docs/SEMANTICS.md rule 10; Wine test_read_events; Microsoft's WSAEventSelect documentation,
 * the 100-byte / recv 50 example). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ);
    do_send(client, "abcdef", 6, 0);
    check(server, 1);
    do_recv(server, 3, 0);
    check(server, 1);
    do_recv(server, 1, 0);
    check(server, 1);
    do_recv(server, 1, 0);
    check(server, 1);
    do_recv(server, 1, 0);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_read_partial");
    BOTH_MODES(body);
    return 0;
}
