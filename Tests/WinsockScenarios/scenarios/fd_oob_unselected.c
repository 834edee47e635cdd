/* Urgent data that arrived while not selected is recorded as FD_OOB when FD_OOB is selected
 * (docs/SEMANTICS.md rule 8; Wine test_oob_events "Send data while we're not selecting"). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, 0);
    do_send(client, "a", 1, MSG_OOB);
    check(server, 0);
    sel(server, FD_OOB);
    check(server, 1);
    do_recv(server, 1, MSG_OOB);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_oob_unselected");
    BOTH_MODES(body);
    return 0;
}
