/* One registration per socket across processes (docs/SEMANTICS.md rules 14, 20; Microsoft's
 * "Shared Sockets": "a shared socket cannot deliver FD_READ events to process A and FD_WRITE
 * events to process B"). The parent selects FD_READ with its event; the child selects
 * FD_READ|FD_WRITE with its own event through its duplicate: the child gets FD_WRITE at once and
 * FD_READ for new data, the parent's event is never set again. */
#include "../scenario.h"

/* The child's look at its own event object and record. */
static void child_check(SOCKET s, WSAEVENT e)
{
    WSANETWORKEVENTS ne;
    say("child: wait -> %s", WaitForSingleObject(e, EXPECT_MS) == WAIT_OBJECT_0 ? "signaled" : "timeout");
    say("child: enum -> %s", res(WSAEnumNetworkEvents(s, e, &ne)));
    print_record(s, &ne);
}

static int child(const char *port)
{
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    SOCKET ctl = connect_parent(port);
    SOCKET s = import_from_parent(ctl, "child-dup");
    WSAEVENT e = WSACreateEvent();
    ctl_wait(ctl, 1);
    say("child: WSAEventSelect READ|WRITE -> %s", res(WSAEventSelect(s, e, FD_READ | FD_WRITE)));
    child_check(s, e);
    ctl_step(ctl, 2);
    ctl_wait(ctl, 3);
    child_check(s, e);
    ctl_step(ctl, 4);
    ctl_wait(ctl, 5);
    closesocket(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "child")) return child(argv[2]);
    startup("shared_child_select_replaces");
    mode_begin(0);
    SOCKET client, server;
    tcp_pair(&client, &server);
    SOCKET ctl = spawn_child(argv[0]);
    share_to_child(ctl, server);
    sel(server, FD_READ);
    check(server, 0);
    ctl_step(ctl, 1);
    ctl_wait(ctl, 2);
    do_send(client, "data", 4, 0);
    ctl_step(ctl, 3);
    ctl_wait(ctl, 4);
    check(server, 0);
    ctl_step(ctl, 5);
    join_child();
    closesocket(ctl);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
