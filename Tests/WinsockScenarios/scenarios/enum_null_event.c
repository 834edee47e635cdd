/* WSAEnumNetworkEvents with a NULL event clears the record but leaves the event object set
 * (docs/SEMANTICS.md rule 12; Microsoft's WSAEnumNetworkEvents documentation; Wine
 * test_WSAEnumNetworkEvents passes NULL). */
#include "../scenario.h"

int main(void)
{
    startup("enum_null_event");
    mode_begin(0);
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ);
    do_send(client, "data", 4, 0);
    check_signal(1);
    WSANETWORKEVENTS ne;
    say("WSAEnumNetworkEvents NULL -> %s", res(WSAEnumNetworkEvents(server, NULL, &ne)));
    print_record(server, &ne);
    check_signal(1);
    check(server, 0);
    check_signal(0);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
