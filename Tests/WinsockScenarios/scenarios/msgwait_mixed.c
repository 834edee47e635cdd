/* One loop waiting for event objects and for window messages at once, as Winsock programs mix
 * the two models: MsgWaitForMultipleObjects returns WAIT_OBJECT_0 + i for a set object (the
 * lowest index first) and WAIT_OBJECT_0 + nCount when a message is queued; it times out with
 * neither (docs/SEMANTICS.md rules 11, 22). */
#include "../scenario.h"

static const char *mw(DWORD w, DWORD n)
{
    static char b[40];
    if (w == WAIT_TIMEOUT) return "WAIT_TIMEOUT";
    if (w == WAIT_OBJECT_0 + n) return "WAIT_OBJECT_0+nCount (input)";
    snprintf(b, sizeof b, "WAIT_OBJECT_0+%lu", (unsigned long)(w - WAIT_OBJECT_0));
    return b;
}

int main(void)
{
    startup("msgwait_mixed");
    mode_begin(1);
    SOCKET c1, s1, c2, s2;
    tcp_pair(&c1, &s1);
    tcp_pair(&c2, &s2);
    named(c1, "client1"); named(s1, "server1"); named(c2, "client2"); named(s2, "server2");
    WSAEVENT e = WSACreateEvent();
    HANDLE objs[1] = { e };
    say("WSAEventSelect server1 READ -> %s", res(WSAEventSelect(s1, e, FD_READ)));
    sel(s2, FD_READ);
    say("nothing -> %s", mw(MsgWaitForMultipleObjects(1, objs, FALSE, QUIET_MS, QS_ALLINPUT), 1));
    do_send(c2, "m", 1, 0);
    say("message queued -> %s", mw(MsgWaitForMultipleObjects(1, objs, FALSE, EXPECT_MS, QS_ALLINPUT), 1));
    check(s2, 1);
    do_send(c1, "e", 1, 0);
    say("event set -> %s", mw(MsgWaitForMultipleObjects(1, objs, FALSE, EXPECT_MS, QS_ALLINPUT), 1));
    WSANETWORKEVENTS ne;
    say("enum server1 -> %s", res(WSAEnumNetworkEvents(s1, e, &ne)));
    print_record(s1, &ne);
    say("after enum -> %s", mw(MsgWaitForMultipleObjects(1, objs, FALSE, QUIET_MS, QS_ALLINPUT), 1));
    do_close(c1); do_close(s1); do_close(c2); do_close(s2);
    WSACloseEvent(e);
    mode_end();
    return 0;
}
