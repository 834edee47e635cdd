/* Closing one descriptor does not cancel the socket's registration while another remains
 * (docs/SEMANTICS.md rule 17): the child imports a duplicate and closes it; the parent's
 * selection still records FD_READ for new data, and the peer sees no FD_CLOSE. */
#include "../scenario.h"

static int child(const char *port)
{
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    SOCKET ctl = connect_parent(port);
    SOCKET s = import_from_parent(ctl, "child-dup");
    ctl_wait(ctl, 1);
    do_close(s);
    ctl_step(ctl, 2);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "child")) return child(argv[2]);
    startup("shared_child_close_keeps_registration");
    mode_begin(0);
    SOCKET client, server;
    tcp_pair(&client, &server);
    SOCKET ctl = spawn_child(argv[0]);
    share_to_child(ctl, server);
    sel(server, FD_READ);
    sel(client, FD_READ | FD_CLOSE);
    ctl_step(ctl, 1);
    ctl_wait(ctl, 2);
    join_child();
    check(client, 0);
    do_send(client, "data", 4, 0);
    check(server, 1);
    do_recv(server, 16, 0);
    closesocket(ctl);
    do_close(client); do_close(server);
    mode_end();
    return 0;
}
