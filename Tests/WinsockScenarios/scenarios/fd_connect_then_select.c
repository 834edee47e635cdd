/* Selecting a socket that is already connected and never reported FD_CONNECT: event mode
 * records FD_CONNECT and FD_WRITE, message mode posts only FD_WRITE (docs/SEMANTICS.md rule 8;
 * Wine test_connect_events "Connect and then select"). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(client, FD_CONNECT | FD_READ | FD_OOB | FD_WRITE);
    check(client, 1);
    check(client, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_connect_then_select");
    BOTH_MODES(body);
    return 0;
}
