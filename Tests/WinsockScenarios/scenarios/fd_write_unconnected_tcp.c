/* A TCP socket that was never connected records nothing, not FD_WRITE nor FD_CLOSE
 * (docs/SEMANTICS.md rule 6; Wine test_WSAEnumNetworkEvents "When the TCP socket is not
 * connected NO events will be returned"). */
#include "../scenario.h"

static void body(void)
{
    SOCKET s = named(tcp_socket(), "tcp");
    sel(s, FD_READ | FD_WRITE | FD_CLOSE | FD_OOB);
    check(s, 0);
    struct sockaddr_in a = loopback(0);
    say("bind tcp -> %s", res(bind(s, (struct sockaddr *)&a, sizeof a)));
    sel(s, FD_READ | FD_WRITE | FD_CLOSE | FD_OOB);
    check(s, 0);
    do_close(s);
}

int main(void)
{
    startup("fd_write_unconnected_tcp");
    BOTH_MODES(body);
    return 0;
}
