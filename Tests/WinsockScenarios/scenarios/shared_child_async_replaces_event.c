/* Last one wins across processes and across the two modes (docs/SEMANTICS.md rules 14, 20):
 * the parent selects FD_READ with an event object; the child selects FD_READ through its duplicate
 * with WSAAsyncSelect to its own window. New data posts a message to the child's window; the
 * parent's event object is not set. */
#include "../scenario.h"

static int child(const char *port)
{
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    SOCKET ctl = connect_parent(port);
    SOCKET s = import_from_parent(ctl, "child-dup");
    ctl_wait(ctl, 1);
    mode_begin(1);
    sel(s, FD_READ);
    check(s, 0);
    ctl_step(ctl, 2);
    ctl_wait(ctl, 3);
    check(s, 1);
    ctl_step(ctl, 4);
    ctl_wait(ctl, 5);
    mode_end();
    closesocket(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "child")) return child(argv[2]);
    startup("shared_child_async_replaces_event");
    SOCKET client, server;
    tcp_pair(&client, &server);
    SOCKET ctl = spawn_child(argv[0]);
    share_to_child(ctl, server);
    WSAEVENT e = WSACreateEvent();
    say("WSAEventSelect server READ -> %s", res(WSAEventSelect(server, e, FD_READ)));
    ctl_step(ctl, 1);
    ctl_wait(ctl, 2);
    do_send(client, "data", 4, 0);
    ctl_step(ctl, 3);
    ctl_wait(ctl, 4);
    say("parent event -> %s", WaitForSingleObject(e, QUIET_MS) == WAIT_OBJECT_0 ? "signaled" : "timeout");
    ctl_step(ctl, 5);
    join_child();
    closesocket(ctl);
    do_close(client); do_close(server);
    WSACloseEvent(e);
    return 0;
}
