/* Re-selecting in event mode keeps a recorded, not yet enumerated event, and sets the event
 * object at once when the new selection includes it (docs/SEMANTICS.md rule 13; Wine server
 * EVENT_SELECT calls sock_wake_up). */
#include "../scenario.h"

int main(void)
{
    startup("enum_reselect_sets_event");
    mode_begin(0);
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ);
    do_send(client, "data", 4, 0);
    check_signal(1);
    say("WSAResetEvent -> %d", WSAResetEvent(mode_event) ? 1 : 0);
    sel(server, FD_READ);
    check_signal(1);
    check(server, 1);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
