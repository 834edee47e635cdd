/* WSAWaitForMultipleEvents with no events fails with WSA_WAIT_FAILED and WSA_INVALID_PARAMETER
 * (docs/SEMANTICS.md rule 22; Microsoft's WSAWaitForMultipleEvents documentation). */
#include "../scenario.h"

int main(void)
{
    startup("bad_wait_args");
    WSAEVENT e = WSACreateEvent();
    WSASetLastError(0);
    DWORD w = WSAWaitForMultipleEvents(0, &e, FALSE, 0, FALSE);
    say("count 0 -> %s %s", w == WSA_WAIT_FAILED ? "WSA_WAIT_FAILED" : "other", wsa_name(WSAGetLastError()));
    WSACloseEvent(e);
    return 0;
}
