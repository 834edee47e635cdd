/* WSAEventSelect and WSAAsyncSelect replace each other, last one wins: after WSAAsyncSelect the
 * event object is not set by new data; after WSAEventSelect again no message is posted
 * (docs/SEMANTICS.md rule 14; Microsoft's WSAEventSelect / WSAAsyncSelect documentation). */
#include "../scenario.h"

int main(void)
{
    startup("mode_switch");
    WSAEVENT ev = WSACreateEvent();
    HWND h = make_window();
    mode_window = h;
    mode_event = ev;
    SOCKET client, server;
    tcp_pair(&client, &server);
    say("WSAEventSelect server READ -> %s", res(WSAEventSelect(server, ev, FD_READ)));
    say("WSAAsyncSelect server READ -> %s", res(WSAAsyncSelect(server, h, MSG_SOCK, FD_READ)));
    do_send(client, "data", 4, 0);
    message_mode = 1;
    check(server, 1);
    say("event %s", WaitForSingleObject(ev, QUIET_MS) == WAIT_OBJECT_0 ? "signaled" : "unset");
    do_recv(server, 16, 0);
    say("WSAEventSelect server READ -> %s", res(WSAEventSelect(server, ev, FD_READ)));
    do_send(client, "more", 4, 0);
    message_mode = 0;
    check(server, 1);
    message_mode = 1;
    check(server, 0);
    do_close(client); do_close(server);
    DestroyWindow(h);
    WSACloseEvent(ev);
    return 0;
}
