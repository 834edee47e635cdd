/* Several conditions true at once are posted one message per event, in the order FD_OOB,
 * FD_READ, FD_WRITE, FD_CLOSE (docs/SEMANTICS.md rule 7; Wine server sock.c event_bitorder;
 * Microsoft's WSAAsyncSelect documentation: one message per network event). Event mode: one
 * record with every bit. */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    do_send(client, "data", 4, 0);
    do_send(client, "u", 1, MSG_OOB);
    do_shutdown(client, SD_SEND);
    await_bytes(server, 4);
    sel(server, FD_READ | FD_WRITE | FD_OOB | FD_CLOSE | FD_ACCEPT | FD_CONNECT);
    check(server, 4);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("msg_order");
    BOTH_MODES(body);
    return 0;
}
