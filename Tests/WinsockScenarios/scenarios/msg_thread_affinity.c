/* Messages for a window go to the queue of the thread that created it: another thread's
 * PeekMessage (for that window or for any window) finds nothing, the creating thread gets the
 * message (Microsoft's PeekMessage documentation: "messages for windows that belong to the
 * current thread"). docs/SEMANTICS.md rule 7. */
#include "../scenario.h"

static HWND shared_window;
static int other_specific, other_any;

static void *other(void *arg)
{
    (void)arg;
    MSG m;
    other_specific = PeekMessageA(&m, shared_window, 0, 0, PM_REMOVE) ? 1 : 0;
    other_any = PeekMessageA(&m, NULL, 0, 0, PM_REMOVE) ? 1 : 0;
    return NULL;
}

int main(void)
{
    startup("msg_thread_affinity");
    mode_begin(1);
    SOCKET client, server;
    tcp_pair(&client, &server);
    shared_window = mode_window;
    sel(server, FD_WRITE);
    MsgWaitForMultipleObjects(0, NULL, FALSE, EXPECT_MS, QS_POSTMESSAGE);
    pthread_t t;
    pthread_create(&t, NULL, other, NULL);
    pthread_join(t, NULL);
    say("other thread: for the window %d, any %d", other_specific, other_any);
    check(server, 1);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
