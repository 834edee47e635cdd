/* Event objects that are not valid (docs/SEMANTICS.md "Bad input"): WSAEventSelect with a closed
 * event object and a non-zero mask fails with WSAEINVAL (Microsoft: "One of the specified
 * parameters was invalid"; Wine server IOCTL_AFD_EVENT_SELECT); WSAWaitForMultipleEvents with a
 * closed handle in the array fails with WSA_WAIT_FAILED / WSA_INVALID_HANDLE (Microsoft's
 * WSAWaitForMultipleEvents documentation); WSASetEvent and WSACloseEvent on it return FALSE.
 * The socket's valid selection is unchanged by the rejected call. */
#include "../scenario.h"

int main(void)
{
    startup("bad_event_object");
    SOCKET client, server;
    tcp_pair(&client, &server);
    WSAEVENT good = WSACreateEvent();
    WSAEVENT gone = WSACreateEvent();
    say("WSACloseEvent -> %d", WSACloseEvent(gone) ? 1 : 0);
    say("WSAEventSelect server good READ -> %s", res(WSAEventSelect(server, good, FD_READ)));
    say("WSAEventSelect server closed-event READ -> %s", res(WSAEventSelect(server, gone, FD_READ)));
    WSAEVENT arr[2] = { good, gone };
    WSASetLastError(0);
    DWORD w = WSAWaitForMultipleEvents(2, arr, FALSE, 0, FALSE);
    int err = WSAGetLastError();
    say("WSAWaitForMultipleEvents with closed -> %s %s", w == WSA_WAIT_FAILED ? "WSA_WAIT_FAILED" : "other", wsa_name(err));
    say("WSASetEvent closed -> %d", WSASetEvent(gone) ? 1 : 0);
    say("WSACloseEvent closed -> %d", WSACloseEvent(gone) ? 1 : 0);
    do_send(client, "data", 4, 0);
    say("good wait -> %s", WaitForSingleObject(good, EXPECT_MS) == WAIT_OBJECT_0 ? "signaled" : "timeout");
    WSANETWORKEVENTS ne;
    say("enum -> %s", res(WSAEnumNetworkEvents(server, good, &ne)));
    print_record(server, &ne);
    do_close(client); do_close(server);
    WSACloseEvent(good);
    return 0;
}
