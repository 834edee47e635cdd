/* A bound UDP socket selected for FD_READ|FD_WRITE five times, enumerating after each (Wine
 * test_WSAEnumNetworkEvents): FD_WRITE on the first round only in event mode; message mode
 * posts it on every select (docs/SEMANTICS.md rules 6, 13). */
#include "../scenario.h"

static void body(void)
{
    SOCKET u = named(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), "udp");
    struct sockaddr_in a = loopback(0);
    say("bind udp -> %s", res(bind(u, (struct sockaddr *)&a, sizeof a)));
    for (int i = 0; i < 5; i++) {
        sel(u, FD_READ | FD_WRITE);
        check(u, message_mode || i == 0);
    }
    do_close(u);
}

int main(void)
{
    startup("fd_write_udp_bound");
    BOTH_MODES(body);
    return 0;
}
