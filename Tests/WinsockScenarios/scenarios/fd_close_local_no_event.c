/* Closing a selected socket locally posts no FD_CLOSE to it (docs/SEMANTICS.md rule 17;
 * Microsoft's WSAAsyncSelect documentation: "FD_CLOSE is not posted after closesocket is
 * called"); the peer gets its FD_CLOSE (error 0). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ | FD_CLOSE);
    sel(client, FD_READ | FD_CLOSE);
    check(server, 0);
    do_close(server);
    check(client, 1);
    check(client, 0);
    do_close(client);
}

int main(void)
{
    startup("fd_close_local_no_event");
    BOTH_MODES(body);
    return 0;
}
