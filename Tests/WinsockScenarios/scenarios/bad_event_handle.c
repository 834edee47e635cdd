/* WSAEventSelect with a non-zero mask and a NULL event object fails with WSAEINVAL and changes
 * nothing; a zero mask with a NULL event is a valid cancel (docs/SEMANTICS.md "Bad input";
 * Microsoft's WSAEventSelect documentation; Wine server IOCTL_AFD_EVENT_SELECT). */
#include "../scenario.h"

int main(void)
{
    startup("bad_event_handle");
    WSAEVENT e = WSACreateEvent();
    WSANETWORKEVENTS ne;
    SOCKET client, server;
    tcp_pair(&client, &server);
    say("WSAEventSelect server e READ -> %s", res(WSAEventSelect(server, e, FD_READ)));
    say("WSAEventSelect server NULL READ -> %s", res(WSAEventSelect(server, NULL, FD_READ)));
    do_send(client, "data", 4, 0);
    say("wait -> %s", WaitForSingleObject(e, EXPECT_MS) == WAIT_OBJECT_0 ? "signaled" : "timeout");
    say("enum -> %s", res(WSAEnumNetworkEvents(server, e, &ne)));
    print_record(server, &ne);
    say("WSAEventSelect server NULL 0 -> %s", res(WSAEventSelect(server, NULL, 0)));
    do_recv(server, 16, 0);
    do_send(client, "more", 4, 0);
    say("after cancel wait -> %s", WaitForSingleObject(e, QUIET_MS) == WAIT_OBJECT_0 ? "signaled" : "timeout");
    do_close(client); do_close(server);
    WSACloseEvent(e);
    return 0;
}
