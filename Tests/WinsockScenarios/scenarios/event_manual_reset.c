/* The event object is manual-reset: waiting does not reset it; WSAEnumNetworkEvents with the
 * event resets it; WSAResetEvent / WSASetEvent work on it (docs/SEMANTICS.md rule 11;
 * Microsoft's WSACreateEvent and WSAWaitForMultipleEvents documentation). */
#include "../scenario.h"

int main(void)
{
    startup("event_manual_reset");
    WSAEVENT e = WSACreateEvent();
    say("fresh %s", WaitForSingleObject(e, 0) == WAIT_OBJECT_0 ? "signaled" : "unset");
    SOCKET client, server;
    tcp_pair(&client, &server);
    say("WSAEventSelect server READ -> %s", res(WSAEventSelect(server, e, FD_READ)));
    do_send(client, "data", 4, 0);
    DWORD w = WSAWaitForMultipleEvents(1, &e, FALSE, EXPECT_MS, FALSE);
    say("wait 1 -> %s", w == WSA_WAIT_EVENT_0 ? "WSA_WAIT_EVENT_0" : "timeout");
    w = WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE);
    say("wait 2 -> %s", w == WSA_WAIT_EVENT_0 ? "WSA_WAIT_EVENT_0" : "timeout");
    WSANETWORKEVENTS ne;
    say("WSAEnumNetworkEvents -> %s", res(WSAEnumNetworkEvents(server, e, &ne)));
    print_record(server, &ne);
    w = WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE);
    say("after enum -> %s", w == WSA_WAIT_TIMEOUT ? "WSA_WAIT_TIMEOUT" : "signaled");
    say("WSASetEvent -> %d", WSASetEvent(e) ? 1 : 0);
    say("after set -> %s", WaitForSingleObject(e, 0) == WAIT_OBJECT_0 ? "signaled" : "unset");
    say("WSAResetEvent -> %d", WSAResetEvent(e) ? 1 : 0);
    say("after reset -> %s", WaitForSingleObject(e, 0) == WAIT_OBJECT_0 ? "signaled" : "unset");
    do_close(client); do_close(server);
    say("WSACloseEvent -> %d", WSACloseEvent(e) ? 1 : 0);
    return 0;
}
