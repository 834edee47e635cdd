/* A socket accepted from a WSAAsyncSelect listener posts to the same window with the same message
 * number, wParam being the accepted socket (docs/SEMANTICS.md rule 16; Microsoft's WSAAsyncSelect
 * documentation; Wine test_accept_events). */
#include "../scenario.h"

int main(void)
{
    startup("msg_accept_inherits_number");
    mode_begin(1);
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c = named(tcp_socket(), "client");
    say("WSAAsyncSelect listener WM_USER+7 ACCEPT|READ|WRITE -> %s",
        res(WSAAsyncSelect(l, mode_window, WM_USER + 7, FD_ACCEPT | FD_READ | FD_WRITE)));
    say("connect client -> %s", res(connect(c, (struct sockaddr *)&addr, sizeof addr)));
    MSG m;
    int got = 0;
    while (next_message(&m, got ? QUIET_MS : EXPECT_MS)) {
        got++;
        say("  msg WM_USER+%d %s %s(%s)", (int)(m.message - WM_USER), nm((SOCKET)m.wParam),
            mask_name(WSAGETSELECTEVENT(m.lParam)), wsa_name(WSAGETSELECTERROR(m.lParam)));
    }
    SOCKET a = named(accept(l, NULL, NULL), "accepted");
    say("accept listener -> %s", a == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    for (int round = 0; round < 2; round++) {
        if (round == 1) do_send(c, "x", 1, 0);
        got = 0;
        while (next_message(&m, got ? QUIET_MS : EXPECT_MS)) {
            got++;
            say("  msg WM_USER+%d %s %s(%s)", (int)(m.message - WM_USER), nm((SOCKET)m.wParam),
                mask_name(WSAGETSELECTEVENT(m.lParam)), wsa_name(WSAGETSELECTERROR(m.lParam)));
        }
    }
    do_close(a); do_close(c); do_close(l);
    mode_end();
    return 0;
}
