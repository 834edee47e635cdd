/* A second WSAAsyncSelect replaces window, message and mask: after (m1, FD_READ) then
 * (m2, FD_WRITE) only FD_WRITE arrives, under m2; data arriving later posts nothing
 * (docs/SEMANTICS.md rule 14; Microsoft's WSAAsyncSelect documentation). */
#include "../scenario.h"

int main(void)
{
    startup("msg_replace");
    mode_begin(1);
    SOCKET client, server;
    tcp_pair(&client, &server);
    say("WSAAsyncSelect server WM_USER+10 READ -> %s", res(WSAAsyncSelect(server, mode_window, WM_USER + 10, FD_READ)));
    say("WSAAsyncSelect server WM_USER+20 WRITE -> %s", res(WSAAsyncSelect(server, mode_window, WM_USER + 20, FD_WRITE)));
    MSG m;
    int got = 0;
    while (next_message(&m, got ? QUIET_MS : EXPECT_MS)) {
        got++;
        say("  msg 0x%x (WM_USER+%d) %s %s(%s)", m.message, (int)(m.message - WM_USER), nm((SOCKET)m.wParam),
            mask_name(WSAGETSELECTEVENT(m.lParam)), wsa_name(WSAGETSELECTERROR(m.lParam)));
    }
    do_send(client, "data", 4, 0);
    await_bytes(server, 4);
    while (next_message(&m, QUIET_MS)) { got++; print_message(&m); }
    say("messages %d", got);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
