/* One event object serves several sockets; each socket keeps its own record
 * (docs/SEMANTICS.md rules 11, 12; Microsoft's WSAEventSelect documentation). */
#include "../scenario.h"

int main(void)
{
    startup("event_shared_by_sockets");
    WSAEVENT e = WSACreateEvent();
    SOCKET c1, s1, c2, s2;
    tcp_pair(&c1, &s1);
    tcp_pair(&c2, &s2);
    named(c1, "client1"); named(s1, "server1"); named(c2, "client2"); named(s2, "server2");
    say("WSAEventSelect server1 READ -> %s", res(WSAEventSelect(s1, e, FD_READ)));
    say("WSAEventSelect server2 READ -> %s", res(WSAEventSelect(s2, e, FD_READ)));
    do_send(c2, "two", 3, 0);
    await_bytes(s2, 3);
    say("wait -> %s", WaitForSingleObject(e, EXPECT_MS) == WAIT_OBJECT_0 ? "signaled" : "timeout");
    WSANETWORKEVENTS ne;
    say("enum server1 -> %s", res(WSAEnumNetworkEvents(s1, e, &ne)));
    print_record(s1, &ne);
    say("enum server2 (NULL event) -> %s", res(WSAEnumNetworkEvents(s2, NULL, &ne)));
    print_record(s2, &ne);
    do_send(c1, "one", 3, 0);
    say("wait -> %s", WaitForSingleObject(e, EXPECT_MS) == WAIT_OBJECT_0 ? "signaled" : "timeout");
    say("enum server1 -> %s", res(WSAEnumNetworkEvents(s1, e, &ne)));
    print_record(s1, &ne);
    say("enum server2 -> %s", res(WSAEnumNetworkEvents(s2, e, &ne)));
    print_record(s2, &ne);
    do_close(c1); do_close(s1); do_close(c2); do_close(s2);
    WSACloseEvent(e);
    return 0;
}
