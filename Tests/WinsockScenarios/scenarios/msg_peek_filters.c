/* PeekMessage with PM_NOREMOVE leaves the message queued; a message-number filter that excludes
 * it finds nothing; PM_REMOVE then takes it (docs/SEMANTICS.md rule 7: messages are ordinary
 * window messages). */
#include "../scenario.h"

int main(void)
{
    startup("msg_peek_filters");
    mode_begin(1);
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_WRITE);
    MsgWaitForMultipleObjects(0, NULL, FALSE, EXPECT_MS, QS_POSTMESSAGE);
    MSG m;
    BOOL r = PeekMessageA(&m, mode_window, 0, 0, PM_NOREMOVE);
    say("PeekMessage NOREMOVE -> %d %s", r ? 1 : 0, r ? mask_name(WSAGETSELECTEVENT(m.lParam)) : "-");
    r = PeekMessageA(&m, mode_window, WM_USER + 100, WM_USER + 200, PM_REMOVE);
    say("PeekMessage filter WM_USER+100..200 -> %d", r ? 1 : 0);
    r = PeekMessageA(&m, mode_window, MSG_SOCK, MSG_SOCK, PM_REMOVE);
    say("PeekMessage filter MSG_SOCK REMOVE -> %d %s", r ? 1 : 0, r ? mask_name(WSAGETSELECTEVENT(m.lParam)) : "-");
    r = PeekMessageA(&m, mode_window, 0, 0, PM_REMOVE);
    say("PeekMessage again -> %d", r ? 1 : 0);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
