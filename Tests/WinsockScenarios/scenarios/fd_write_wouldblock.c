/* FD_WRITE is re-enabled by a send that fails with WSAEWOULDBLOCK and recorded again once the
 * peer has drained the data (docs/SEMANTICS.md rule 9; Wine test_write_events; Microsoft's
 * WSAEventSelect documentation). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_WRITE);
    check(server, 1);
    long sent = fill_send_buffer(server);
    check(server, 0);
    drain(client, sent);
    check(server, 1);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_write_wouldblock");
    BOTH_MODES(body);
    return 0;
}
