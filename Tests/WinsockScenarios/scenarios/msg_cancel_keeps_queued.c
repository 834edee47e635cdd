/* Cancelling with lEvent 0 stops posting at once, but messages already queued stay in the queue
 * (docs/SEMANTICS.md rule 14; Microsoft's WSAAsyncSelect documentation). The same holds for
 * closesocket. */
#include "../scenario.h"

int main(void)
{
    startup("msg_cancel_keeps_queued");
    mode_begin(1);
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ);
    do_send(client, "data", 4, 0);
    MSG m;
    DWORD w = MsgWaitForMultipleObjects(0, NULL, FALSE, EXPECT_MS, QS_POSTMESSAGE);
    say("MsgWaitForMultipleObjects -> %s", w == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "timeout");
    sel(server, 0);
    do_send(client, "more", 4, 0);
    await_bytes(server, 8);
    check(server, 1);
    sel(server, FD_WRITE);
    PeekMessageA(&m, mode_window, 0, 0, PM_NOREMOVE);
    w = MsgWaitForMultipleObjects(0, NULL, FALSE, EXPECT_MS, QS_POSTMESSAGE);
    do_close(server);
    check(server, 1);
    do_close(client);
    mode_end();
    return 0;
}
