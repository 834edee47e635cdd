/* A receive into a buffer smaller than the datagram fails with WSAEMSGSIZE, takes the datagram
 * (the rest is lost) and, being a re-enabling call, re-records FD_READ for the next datagram
 * (docs/SEMANTICS.md rules 9, 10; Microsoft's recv documentation: "WSAEMSGSIZE: The message was
 * too large to fit into the specified buffer and was truncated"). */
#include "../scenario.h"

static void body(void)
{
    SOCKET r = named(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), "receiver");
    SOCKET s = named(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), "sender");
    struct sockaddr_in a = loopback(0);
    int len = sizeof a;
    bind(r, (struct sockaddr *)&a, sizeof a);
    getsockname(r, (struct sockaddr *)&a, &len);
    say("connect sender -> %s", res(connect(s, (struct sockaddr *)&a, sizeof a)));
    sel(r, FD_READ);
    do_send(s, "first", 5, 0);
    do_send(s, "second", 6, 0);
    check(r, 1);
    do_recv(r, 2, 0);
    check(r, 1);
    do_recv(r, 16, 0);
    check(r, 0);
    do_close(s); do_close(r);
}

int main(void)
{
    startup("fd_read_udp_truncated");
    BOTH_MODES(body);
    return 0;
}
