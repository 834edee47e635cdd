/* WSAWaitForMultipleEvents: the lowest signalled index wins; timeout 0 only tests; fWaitAll
 * waits until all are set; it modifies nothing (docs/SEMANTICS.md rule 22; Microsoft's
 * WSAWaitForMultipleEvents documentation). WaitForMultipleObjects agrees. */
#include "../scenario.h"

static const char *wr(DWORD w)
{
    static char b[32];
    if (w == WSA_WAIT_TIMEOUT) return "WSA_WAIT_TIMEOUT";
    if (w == WSA_WAIT_FAILED) return "WSA_WAIT_FAILED";
    snprintf(b, sizeof b, "WSA_WAIT_EVENT_0+%lu", (unsigned long)(w - WSA_WAIT_EVENT_0));
    return b;
}

int main(void)
{
    startup("wait_multiple");
    WSAEVENT e[3] = { WSACreateEvent(), WSACreateEvent(), WSACreateEvent() };
    say("none set, timeout 0 -> %s", wr(WSAWaitForMultipleEvents(3, e, FALSE, 0, FALSE)));
    say("none set, timeout 50 -> %s", wr(WSAWaitForMultipleEvents(3, e, FALSE, 50, FALSE)));
    WSASetEvent(e[2]);
    WSASetEvent(e[1]);
    say("1 and 2 set -> %s", wr(WSAWaitForMultipleEvents(3, e, FALSE, 0, FALSE)));
    say("again (not reset) -> %s", wr(WSAWaitForMultipleEvents(3, e, FALSE, 0, FALSE)));
    say("WaitForMultipleObjects -> %s", wr(WaitForMultipleObjects(3, e, FALSE, 0)));
    say("wait all, 0 not set -> %s", wr(WSAWaitForMultipleEvents(3, e, TRUE, 50, FALSE)));
    WSASetEvent(e[0]);
    DWORD w = WSAWaitForMultipleEvents(3, e, TRUE, 0, FALSE);
    say("wait all, all set -> %s", w < WSA_WAIT_EVENT_0 + 3 ? "in range" : wr(w));
    say("all set, any -> %s", wr(WSAWaitForMultipleEvents(3, e, FALSE, 0, FALSE)));
    WSAResetEvent(e[0]);
    say("0 reset -> %s", wr(WSAWaitForMultipleEvents(3, e, FALSE, 0, FALSE)));
    HANDLE k = CreateEventA(NULL, TRUE, TRUE, NULL);
    say("CreateEventA initially set -> %s", wr(WaitForSingleObject(k, 0)));
    say("ResetEvent -> %d", ResetEvent(k) ? 1 : 0);
    say("after ResetEvent -> %s", wr(WaitForSingleObject(k, 0)));
    say("SetEvent -> %d", SetEvent(k) ? 1 : 0);
    say("after SetEvent -> %s", wr(WaitForSingleObject(k, 0)));
    HANDLE a = CreateEventA(NULL, FALSE, TRUE, NULL);
    say("auto-reset first wait -> %s", wr(WaitForSingleObject(a, 0)));
    say("auto-reset second wait -> %s", wr(WaitForSingleObject(a, 0)));
    say("CloseHandle -> %d %d", CloseHandle(k) ? 1 : 0, CloseHandle(a) ? 1 : 0);
    for (int i = 0; i < 3; i++) WSACloseEvent(e[i]);
    return 0;
}
