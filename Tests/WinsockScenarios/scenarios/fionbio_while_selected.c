/* Selecting makes the socket non-blocking, even with lEvent 0; while a selection is active
 * FIONBIO 0 fails with WSAEINVAL and FIONBIO 1 works; after a cancel FIONBIO 0 works and the
 * socket stays non-blocking until then (docs/SEMANTICS.md rule 15; Wine test_fionbio). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, 0);
    do_recv(server, 16, 0);
    sel(server, FD_READ);
    set_nbio(server, 0);
    set_nbio(server, 1);
    do_recv(server, 16, 0);
    sel(server, 0);
    do_recv(server, 16, 0);
    set_nbio(server, 0);
    do_send(client, "x", 1, 0);
    do_recv(server, 16, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fionbio_while_selected");
    BOTH_MODES(body);
    return 0;
}
