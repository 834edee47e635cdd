/* Urgent data with SO_OOBINLINE off records FD_OOB; recv(MSG_OOB) takes the urgent byte and
 * re-enables FD_OOB; the normal data before it still records FD_READ (docs/SEMANTICS.md rules
 * 2, 9; Wine test_oob_events). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_OOB);
    do_send(client, "a", 1, MSG_OOB);
    check(server, 1);
    do_recv(server, 1, MSG_OOB);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_oob_basic");
    BOTH_MODES(body);
    return 0;
}
