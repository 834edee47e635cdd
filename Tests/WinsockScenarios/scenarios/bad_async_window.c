/* WSAAsyncSelect with a window that was destroyed: Microsoft documents WSAEINVAL ("the window
 * handle not referring to an existing window"). The call must not crash and the socket stays
 * usable with a valid window afterwards (docs/SEMANTICS.md "Bad input"). */
#include "../scenario.h"

int main(void)
{
    startup("bad_async_window");
    mode_begin(1);
    SOCKET client, server;
    tcp_pair(&client, &server);
    HWND gone = make_window();
    DestroyWindow(gone);
    int rc = WSAAsyncSelect(server, gone, MSG_SOCK, FD_WRITE);
    say("WSAAsyncSelect destroyed window -> %s", res(rc));
    sel(server, FD_WRITE);
    check(server, 1);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
