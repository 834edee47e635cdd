/* With SO_OOBINLINE on, urgent data is normal data: FD_READ is recorded, never FD_OOB
 * (docs/SEMANTICS.md rule 1; Microsoft's WSAEventSelect documentation: "If the socket is
 * configured to receive OOB data inline ... will get FD_READ network event, not FD_OOB"). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    BOOL on = TRUE;
    tcp_pair(&client, &server);
    say("SO_OOBINLINE server -> %s", res(setsockopt(server, SOL_SOCKET, SO_OOBINLINE, (const char *)&on, sizeof on)));
    sel(server, FD_OOB | FD_READ);
    do_send(client, "u", 1, MSG_OOB);
    check(server, 1);
    do_recv(server, 16, 0);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_oob_inline");
    BOTH_MODES(body);
    return 0;
}
