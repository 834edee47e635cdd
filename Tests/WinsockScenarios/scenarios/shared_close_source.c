/* "Duplicate, hand over, close" (docs/SEMANTICS.md rules 17, 18): the parent duplicates its
 * socket for the child and closes its own descriptor before the child imports; the child's
 * descriptor is a working socket (data both ways) and the peer sees no FD_CLOSE until the child
 * closes the last descriptor. */
#include "../scenario.h"

static int child(const char *port)
{
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    SOCKET ctl = connect_parent(port);
    DWORD pid = GetCurrentProcessId();
    WSAPROTOCOL_INFOA info;
    ctl_send(ctl, &pid, sizeof pid);
    ctl_recv(ctl, &info, sizeof info);
    ctl_step(ctl, 0);
    ctl_wait(ctl, 1);
    SOCKET s = named(WSASocketA(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, 0), "child-dup");
    say("child: WSASocketA after source closed -> %s", s == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    u_long one = 0;
    ioctlsocket(s, FIONBIO, &one);
    await_bytes(s, 5);
    do_recv(s, 16, 0);
    do_send(s, "reply", 5, 0);
    ctl_step(ctl, 2);
    ctl_wait(ctl, 3);
    do_close(s);
    ctl_step(ctl, 4);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "child")) return child(argv[2]);
    startup("shared_close_source");
    mode_begin(0);
    SOCKET client, server;
    tcp_pair(&client, &server);
    SOCKET ctl = spawn_child(argv[0]);
    share_to_child(ctl, server);
    do_close(server);
    sel(client, FD_READ | FD_CLOSE);
    do_send(client, "hello", 5, 0);
    ctl_step(ctl, 1);
    ctl_wait(ctl, 2);
    check(client, 1);
    do_recv(client, 16, 0);
    check(client, 0);
    ctl_step(ctl, 3);
    ctl_wait(ctl, 4);
    check(client, 1);
    join_child();
    closesocket(ctl);
    do_close(client);
    mode_end();
    return 0;
}
