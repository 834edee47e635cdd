/* closesocket on something that is not a socket fails with WSAENOTSOCK and leaves it alone
 * (docs/SEMANTICS.md "Bad input": a descriptor that is not a socket throws ENOTSOCK and stays
 * open). Here: an event object's handle passed as a SOCKET, and a stale SOCKET value after the
 * socket was closed and an event object was created (on Linux the new object may take the stale
 * number); both event objects keep working afterwards. */
#include "../scenario.h"

static const char *state(WSAEVENT e)
{
    return WaitForSingleObject(e, 0) == WAIT_OBJECT_0 ? "signaled" : "unset";
}

int main(void)
{
    startup("bad_close_non_socket");
    WSAEVENT e1 = WSACreateEvent();
    say("closesocket(event handle) -> %s", res(closesocket((SOCKET)e1)));
    say("WSASetEvent -> %d", WSASetEvent(e1) ? 1 : 0);
    say("event 1 %s", state(e1));
    SOCKET s = named(tcp_socket(), "stale");
    closesocket(s);
    WSAEVENT e2 = WSACreateEvent();
    say("closesocket(stale) -> %s", res(closesocket(s)));
    say("WSAEventSelect(stale) -> %s", res(WSAEventSelect(s, e2, FD_READ)));
    say("WSASetEvent -> %d", WSASetEvent(e2) ? 1 : 0);
    say("event 2 %s", state(e2));
    say("WSAResetEvent -> %d", WSAResetEvent(e2) ? 1 : 0);
    say("event 2 %s", state(e2));
    say("WSACloseEvent -> %d %d", WSACloseEvent(e1) ? 1 : 0, WSACloseEvent(e2) ? 1 : 0);
    return 0;
}
