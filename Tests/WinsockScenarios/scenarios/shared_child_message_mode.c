/* Message mode across processes (docs/SEMANTICS.md rule 20): the parent's window gets FD_READ
 * with the parent's descriptor as wParam; the child's partial receive through its duplicate
 * re-enables FD_READ, so the parent's window gets FD_READ again, still with the parent's
 * descriptor (Wine stores wParam with the selection). */
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
    closesocket(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "child")) return child(argv[2]);
    startup("shared_child_message_mode");
    mode_begin(1);
    SOCKET client, server;
    tcp_pair(&client, &server);
    SOCKET ctl = spawn_child(argv[0]);
    share_to_child(ctl, server);
    sel(server, FD_READ);
    do_send(client, "abcdef", 6, 0);
    check(server, 1);
    ctl_step(ctl, 1);
    ctl_wait(ctl, 2);
    check(server, 1);
    ctl_step(ctl, 3);
    join_child();
    closesocket(ctl);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
