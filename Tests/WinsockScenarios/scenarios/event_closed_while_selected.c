/* Closing the event object while the socket is selected with it: the socket keeps recording
 * (Wine: the selection holds a reference to the object), nothing crashes, and
 * WSAEnumNetworkEvents with a NULL event returns what was recorded. Selecting with a new object
 * then works (docs/SEMANTICS.md rules 11, 12, 14). */
#include "../scenario.h"

int main(void)
{
    startup("event_closed_while_selected");
    SOCKET client, server;
    tcp_pair(&client, &server);
    WSAEVENT e = WSACreateEvent();
    say("WSAEventSelect server READ -> %s", res(WSAEventSelect(server, e, FD_READ)));
    say("WSACloseEvent -> %d", WSACloseEvent(e) ? 1 : 0);
    do_send(client, "data", 4, 0);
    await_bytes(server, 4);
    WSANETWORKEVENTS ne;
    say("enum NULL event -> %s", res(WSAEnumNetworkEvents(server, NULL, &ne)));
    print_record(server, &ne);
    WSAEVENT e2 = WSACreateEvent();
    say("WSAEventSelect server new-event READ|WRITE -> %s", res(WSAEventSelect(server, e2, FD_READ | FD_WRITE)));
    say("wait -> %s", WaitForSingleObject(e2, EXPECT_MS) == WAIT_OBJECT_0 ? "signaled" : "timeout");
    say("enum -> %s", res(WSAEnumNetworkEvents(server, e2, &ne)));
    print_record(server, &ne);
    do_close(client); do_close(server);
    WSACloseEvent(e2);
    return 0;
}
