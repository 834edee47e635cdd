/* The peer's shutdown(SD_SEND) records FD_CLOSE (error 0); its later closesocket records
 * nothing more (docs/SEMANTICS.md rule 5; Wine test_close_events "Test shutdown(remote end,
 * SD_SEND)"). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ | FD_CLOSE);
    do_shutdown(client, SD_SEND);
    check(server, 1);
    do_close(client);
    check(server, 0);
    do_close(server);
}

int main(void)
{
    startup("fd_close_shutdown_send");
    BOTH_MODES(body);
    return 0;
}
