/* Normal data followed by an urgent byte, FD_READ|FD_OOB selected: both are recorded (message
 * mode: FD_OOB before FD_READ, docs/SEMANTICS.md rule 7); the normal receive re-enables FD_READ
 * only and the urgent receive FD_OOB only (rule 9; Wine server recv_socket: `oob ? AFD_POLL_OOB :
 * AFD_POLL_READ`). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    do_send(client, "data", 4, 0);
    do_send(client, "u", 1, MSG_OOB);
    await_bytes(server, 4);
    sel(server, FD_READ | FD_OOB);
    check(server, 2);
    do_recv(server, 1, MSG_OOB);
    check(server, 0);
    do_recv(server, 16, 0);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_oob_with_data");
    BOTH_MODES(body);
    return 0;
}
