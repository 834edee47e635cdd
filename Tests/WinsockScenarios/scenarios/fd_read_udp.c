/* UDP: FD_READ per queued datagram with level re-posting: two datagrams, a receive of the first
 * re-records FD_READ for the second, nothing after the last; never FD_CLOSE
 * (docs/SEMANTICS.md rules 1, 5, 10). */
#include "../scenario.h"

static void body(void)
{
    SOCKET r = named(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), "receiver");
    SOCKET s = named(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), "sender");
    struct sockaddr_in a = loopback(0);
    int len = sizeof a;
    bind(r, (struct sockaddr *)&a, sizeof a);
    getsockname(r, (struct sockaddr *)&a, &len);
    sel(r, FD_READ | FD_CLOSE);
    say("connect sender -> %s", res(connect(s, (struct sockaddr *)&a, sizeof a)));
    do_send(s, "one", 3, 0);
    do_send(s, "two", 3, 0);
    await_bytes(r, 1);
    check(r, 1);
    do_recv(r, 16, 0);
    check(r, 1);
    do_recv(r, 16, 0);
    check(r, 0);
    do_close(s);
    check(r, 0);
    do_close(r);
}

int main(void)
{
    startup("fd_read_udp");
    BOTH_MODES(body);
    return 0;
}
