/* Re-selecting with another message number while a message is queued: the queued message stays
 * under the old number, and the re-selection posts the condition again under the new number
 * (docs/SEMANTICS.md rules 13, 14; Microsoft's WSAAsyncSelect documentation). */
#include "../scenario.h"

int main(void)
{
    startup("msg_reselect_new_number");
    mode_begin(1);
    SOCKET client, server;
    tcp_pair(&client, &server);
    say("WSAAsyncSelect server WM_USER+10 READ -> %s", res(WSAAsyncSelect(server, mode_window, WM_USER + 10, FD_READ)));
    do_send(client, "data", 4, 0);
    MsgWaitForMultipleObjects(0, NULL, FALSE, EXPECT_MS, QS_POSTMESSAGE);
    say("WSAAsyncSelect server WM_USER+20 READ -> %s", res(WSAAsyncSelect(server, mode_window, WM_USER + 20, FD_READ)));
    MSG m;
    int got = 0;
    while (next_message(&m, got < 2 ? EXPECT_MS : QUIET_MS)) {
        got++;
        say("  msg WM_USER+%d %s %s(%s)", (int)(m.message - WM_USER), nm((SOCKET)m.wParam),
            mask_name(WSAGETSELECTEVENT(m.lParam)), wsa_name(WSAGETSELECTERROR(m.lParam)));
    }
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
