/* The record is per socket (docs/SEMANTICS.md rule 20): the parent's registration records
 * FD_READ; the child's WSAEnumNetworkEvents through its duplicate (NULL event) returns and clears
 * it, so the parent's own enumeration then finds nothing, although its event object is still
 * set (the child did not reset it). */
#include "../scenario.h"

static int child(const char *port)
{
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    SOCKET ctl = connect_parent(port);
    SOCKET s = import_from_parent(ctl, "child-dup");
    WSANETWORKEVENTS ne;
    ctl_wait(ctl, 1);
    say("child: enum NULL event -> %s", res(WSAEnumNetworkEvents(s, NULL, &ne)));
    print_record(s, &ne);
    ctl_step(ctl, 2);
    ctl_wait(ctl, 3);
    closesocket(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "child")) return child(argv[2]);
    startup("shared_child_enum_clears");
    mode_begin(0);
    SOCKET client, server;
    tcp_pair(&client, &server);
    SOCKET ctl = spawn_child(argv[0]);
    share_to_child(ctl, server);
    sel(server, FD_READ);
    do_send(client, "data", 4, 0);
    check_signal(1);
    ctl_step(ctl, 1);
    ctl_wait(ctl, 2);
    check(server, 0);
    ctl_step(ctl, 3);
    join_child();
    closesocket(ctl);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
