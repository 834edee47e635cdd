/* UDP and FD_CONNECT (Wine test_connect_events "Test with UDP sockets"): selecting a fresh UDP
 * socket posts FD_WRITE in message mode and records nothing in event mode; connect() then
 * records FD_CONNECT|FD_WRITE in event mode and posts FD_WRITE in message mode. Wine marks these
 * checks todo_wine. docs/SEMANTICS.md rules 4, 6, 8. */
#include "../scenario.h"

static void body(void)
{
    SOCKET peer = named(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), "peer");
    struct sockaddr_in addr = loopback(0);
    int len = sizeof addr;
    bind(peer, (struct sockaddr *)&addr, sizeof addr);
    getsockname(peer, (struct sockaddr *)&addr, &len);
    SOCKET u = named(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), "udp");
    sel(u, FD_CONNECT | FD_READ | FD_OOB | FD_WRITE);
    check(u, message_mode);
    say("connect udp -> %s", res(connect(u, (struct sockaddr *)&addr, sizeof addr)));
    check(u, 1);
    check(u, 0);
    do_close(u); do_close(peer);
}

int main(void)
{
    startup("fd_connect_udp");
    BOTH_MODES(body);
    return 0;
}
