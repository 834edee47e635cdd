/* Events for a socket whose window was destroyed are dropped (posting to a window that no longer
 * exists fails); nothing crashes, and selecting the socket to a new window posts what holds then
 * (docs/SEMANTICS.md rules 13, 14). */
#include "../scenario.h"

int main(void)
{
    startup("msg_destroyed_window");
    mode_begin(1);
    SOCKET client, server;
    tcp_pair(&client, &server);
    HWND first = make_window();
    say("WSAAsyncSelect server first-window READ -> %s", res(WSAAsyncSelect(server, first, MSG_SOCK, FD_READ)));
    say("DestroyWindow first -> %d", DestroyWindow(first) ? 1 : 0);
    do_send(client, "data", 4, 0);
    await_bytes(server, 4);
    check(server, 0);
    sel(server, FD_READ);
    check(server, 1);
    do_recv(server, 16, 0);
    check(server, 0);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
