/* Re-selecting after FD_CLOSE was reported: message mode posts FD_CLOSE again (with its error),
 * event mode records nothing (docs/SEMANTICS.md rule 13; Wine test_close_events). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ | FD_CLOSE);
    do_close(client);
    check(server, 1);
    sel(server, FD_READ | FD_CLOSE);
    check(server, message_mode);
    sel(server, 0);
    sel(server, FD_READ | FD_CLOSE);
    check(server, message_mode);
    do_close(server);
}

int main(void)
{
    startup("fd_close_reselect");
    BOTH_MODES(body);
    return 0;
}
