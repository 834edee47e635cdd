/* WSAEnumNetworkEvents with a NULL WSANETWORKEVENTS: Microsoft documents WSAEFAULT ("The
 * lpNetworkEvents parameter is not a valid part of the user address space"), and on any error the
 * record is not cleared and the event not reset (docs/SEMANTICS.md "Bad input"). Wine 8.0 writes
 * through the NULL pointer and crashes (ws2_32 WSAEnumNetworkEvents), so the Wine half of this
 * scenario is skipped (expected/bad_enum_null_record.wine-skip). */
#include "../scenario.h"

int main(void)
{
    startup("bad_enum_null_record");
    mode_begin(0);
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ);
    do_send(client, "data", 4, 0);
    check_signal(1);
    say("WSAEnumNetworkEvents NULL record -> %s", res(WSAEnumNetworkEvents(server, mode_event, NULL)));
    say("event still %s", WaitForSingleObject(mode_event, 0) == WAIT_OBJECT_0 ? "signaled" : "unset");
    check(server, 1);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
