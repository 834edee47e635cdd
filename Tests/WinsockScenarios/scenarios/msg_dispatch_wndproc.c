/* The classic WSAAsyncSelect loop: GetMessage, TranslateMessage, DispatchMessage to a window
 * procedure that sees (wParam = socket, lParam = WSAMAKESELECTREPLY(event, error)) and ends the
 * loop with PostQuitMessage when FD_CLOSE arrives; GetMessage then returns 0 with WM_QUIT
 * (docs/SEMANTICS.md rules 7, 14). A PostMessage of the program's own is delivered in order. */
#include "../scenario.h"

static SOCKET peer;

static LRESULT CALLBACK proc(HWND h, UINT m, WPARAM w, LPARAM l)
{
    if (m == MSG_SOCK) {
        say("  wndproc %s %s(%s)", nm((SOCKET)w), mask_name(WSAGETSELECTEVENT(l)), wsa_name(WSAGETSELECTERROR(l)));
        if (WSAGETSELECTEVENT(l) == FD_READ) {
            char buf[16];
            int n = recv((SOCKET)w, buf, sizeof buf, 0);
            say("  recv -> %d", n);
            if (n > 0) do_close(peer);
        }
        if (WSAGETSELECTEVENT(l) == FD_CLOSE) PostQuitMessage(7);
        return 0;
    }
    if (m == WM_USER + 50) { say("  wndproc WM_USER+50 wparam=%d lparam=%d", (int)w, (int)l); return 0; }
    return DefWindowProcA(h, m, w, l);
}

int main(void)
{
    startup("msg_dispatch_wndproc");
    WNDCLASSA wc;
    memset(&wc, 0, sizeof wc);
    wc.lpfnWndProc = proc;
    wc.lpszClassName = "ScenarioProc";
    say("RegisterClassA -> %s", RegisterClassA(&wc) ? "ok" : "failed");
    HWND h = CreateWindowExA(0, "ScenarioProc", "p", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    say("CreateWindowExA -> %s", h ? "window" : "NULL");
    SOCKET client, server;
    tcp_pair(&client, &server);
    peer = client;
    say("PostMessageA -> %d", PostMessageA(h, WM_USER + 50, 1, 2) ? 1 : 0);
    say("WSAAsyncSelect server READ|CLOSE -> %s", res(WSAAsyncSelect(server, h, MSG_SOCK, FD_READ | FD_CLOSE)));
    do_send(client, "hi", 2, 0);
    MSG m;
    BOOL r;
    int rounds = 0;
    /* Bounded: each GetMessage is preceded by a bounded wait for input. */
    for (;;) {
        if (!PeekMessageA(&m, NULL, 0, 0, PM_NOREMOVE)) {
            if (MsgWaitForMultipleObjects(0, NULL, FALSE, EXPECT_MS, QS_ALLINPUT) == WAIT_TIMEOUT) { say("loop timed out"); break; }
            continue;
        }
        r = GetMessageA(&m, NULL, 0, 0);
        if (r <= 0) { say("GetMessageA -> %d message %s wParam %d", (int)r, m.message == WM_QUIT ? "WM_QUIT" : "other", (int)m.wParam); break; }
        TranslateMessage(&m);
        DispatchMessageA(&m);
        if (++rounds > 20) break;
    }
    do_close(server);
    say("DestroyWindow -> %d", DestroyWindow(h) ? 1 : 0);
    return 0;
}
