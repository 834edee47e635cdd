/* Re-selecting with another event object while FD_READ is recorded and not yet enumerated: the
 * new object is set at once (the record intersects the new selection) and the enumeration through
 * it returns FD_READ; the old object, already set, stays set (docs/SEMANTICS.md rules 13, 14). */
#include "../scenario.h"

int main(void)
{
    startup("event_reselect_other_object");
    WSAEVENT e1 = WSACreateEvent(), e2 = WSACreateEvent();
    SOCKET client, server;
    tcp_pair(&client, &server);
    say("WSAEventSelect server e1 READ -> %s", res(WSAEventSelect(server, e1, FD_READ)));
    do_send(client, "data", 4, 0);
    say("e1 -> %s", WaitForSingleObject(e1, EXPECT_MS) == WAIT_OBJECT_0 ? "signaled" : "timeout");
    say("WSAEventSelect server e2 READ -> %s", res(WSAEventSelect(server, e2, FD_READ)));
    say("e2 -> %s", WaitForSingleObject(e2, EXPECT_MS) == WAIT_OBJECT_0 ? "signaled" : "timeout");
    WSANETWORKEVENTS ne;
    say("enum e2 -> %s", res(WSAEnumNetworkEvents(server, e2, &ne)));
    print_record(server, &ne);
    say("e1 -> %s, e2 -> %s", WaitForSingleObject(e1, 0) == WAIT_OBJECT_0 ? "signaled" : "unset",
        WaitForSingleObject(e2, 0) == WAIT_OBJECT_0 ? "signaled" : "unset");
    do_close(client); do_close(server);
    WSACloseEvent(e1); WSACloseEvent(e2);
    return 0;
}
