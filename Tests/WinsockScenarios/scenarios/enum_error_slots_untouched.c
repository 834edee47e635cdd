/* WSAEnumNetworkEvents writes iErrorCode only for the events it returns; the other entries keep
 * what the caller put there (docs/SEMANTICS.md rule 12; Wine test_WSAEnumNetworkEvents checks
 * 0xABABABAB survives). */
#include "../scenario.h"

int main(void)
{
    startup("enum_error_slots_untouched");
    mode_begin(0);
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ | FD_WRITE);
    do_send(client, "data", 4, 0);
    await_bytes(server, 4);
    check_signal(1);
    WSANETWORKEVENTS ne;
    memset(&ne, 0xAB, sizeof ne);
    say("WSAEnumNetworkEvents -> %s", res(WSAEnumNetworkEvents(server, mode_event, &ne)));
    say("lNetworkEvents %s", mask_name(ne.lNetworkEvents));
    for (int i = 0; i < FD_MAX_EVENTS; i++)
        say("  iErrorCode[%d] = 0x%x", i, (unsigned)ne.iErrorCode[i]);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
