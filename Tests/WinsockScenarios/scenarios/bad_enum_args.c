/* WSAEnumNetworkEvents on a socket that was never selected succeeds with an empty record; on a
 * socket whose selection was cancelled it returns nothing (the current selection is empty), and
 * the FD_READ recorded before the cancel is still there when FD_READ is selected again
 * (docs/SEMANTICS.md rule 12 and "Bad input"). The NULL-record case is bad_enum_null_record. */
#include "../scenario.h"

int main(void)
{
    startup("bad_enum_args");
    mode_begin(0);
    SOCKET client, server;
    tcp_pair(&client, &server);
    WSANETWORKEVENTS ne;
    say("enum never-selected client -> %s", res(WSAEnumNetworkEvents(client, NULL, &ne)));
    print_record(client, &ne);
    sel(server, FD_READ);
    do_send(client, "data", 4, 0);
    check_signal(1);
    sel(server, 0);
    say("enum after cancel -> %s", res(WSAEnumNetworkEvents(server, NULL, &ne)));
    print_record(server, &ne);
    sel(server, FD_READ);
    check(server, 1);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
