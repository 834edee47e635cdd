/* A second WSAEventSelect with another event object replaces the first: only the second object
 * is set, for the second mask (docs/SEMANTICS.md rule 14; Microsoft's WSAEventSelect
 * documentation: "only FD_WRITE ... associated with hEventObject2"). */
#include "../scenario.h"

int main(void)
{
    startup("event_replace");
    WSAEVENT e1 = WSACreateEvent(), e2 = WSACreateEvent();
    SOCKET client, server;
    tcp_pair(&client, &server);
    say("WSAEventSelect server e1 READ -> %s", res(WSAEventSelect(server, e1, FD_READ)));
    say("WSAEventSelect server e2 WRITE -> %s", res(WSAEventSelect(server, e2, FD_WRITE)));
    do_send(client, "data", 4, 0);
    await_bytes(server, 4);
    WSAEVENT both[2] = { e1, e2 };
    DWORD w = WSAWaitForMultipleEvents(2, both, FALSE, EXPECT_MS, FALSE);
    say("WSAWaitForMultipleEvents -> %s", w == WSA_WAIT_EVENT_0 ? "e1" : w == WSA_WAIT_EVENT_0 + 1 ? "e2" : "timeout");
    say("e1 %s", WaitForSingleObject(e1, QUIET_MS) == WAIT_OBJECT_0 ? "signaled" : "unset");
    WSANETWORKEVENTS ne;
    say("WSAEnumNetworkEvents server e2 -> %s", res(WSAEnumNetworkEvents(server, e2, &ne)));
    print_record(server, &ne);
    say("e2 %s", WaitForSingleObject(e2, 0) == WAIT_OBJECT_0 ? "signaled" : "unset");
    do_close(client); do_close(server);
    WSACloseEvent(e1); WSACloseEvent(e2);
    return 0;
}
