/* Select, then send at once: exactly one FD_WRITE ("Despite the documentation ... calling send()
 * doesn't clear the FD_WRITE bit", Wine test_write_events; docs/SEMANTICS.md rule 9). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_WRITE);
    do_send(server, "data", 4, 0);
    check(server, 1);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_write_select_then_send");
    BOTH_MODES(body);
    return 0;
}
