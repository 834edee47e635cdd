/* Two processes, one socket (docs/SEMANTICS.md rule 20). The parent selects FD_READ on its
 * descriptor; the child imports a duplicate and receives part of the data through it: that
 * receive re-enables FD_READ for the parent's registration, which is recorded again because data
 * remains; the child's final receive leaves nothing (Microsoft's "Shared Sockets"; Wine keeps the
 * whole select state in the one server-side socket object). */
#include "../scenario.h"

static int child(const char *port)
{
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    SOCKET ctl = connect_parent(port);
    SOCKET s = import_from_parent(ctl, "child-dup");
    ctl_wait(ctl, 1);
    do_recv(s, 2, 0);
    ctl_step(ctl, 2);
    ctl_wait(ctl, 3);
    do_recv(s, 16, 0);
    ctl_step(ctl, 4);
    ctl_wait(ctl, 5);
    closesocket(s);
    return 0;
}

static void body(const char *argv0)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    SOCKET ctl = spawn_child(argv0);
    share_to_child(ctl, server);
    sel(server, FD_READ);
    do_send(client, "abcdef", 6, 0);
    check(server, 1);
    ctl_step(ctl, 1);
    ctl_wait(ctl, 2);
    check(server, 1);
    ctl_step(ctl, 3);
    ctl_wait(ctl, 4);
    check(server, 0);
    ctl_step(ctl, 5);
    join_child();
    closesocket(ctl);
    do_close(client); do_close(server);
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "child")) return child(argv[2]);
    startup("shared_child_recv_reenables");
    for (int m = 0; m < 2; m++) { mode_begin(m); body(argv[0]); mode_end(); }
    return 0;
}
