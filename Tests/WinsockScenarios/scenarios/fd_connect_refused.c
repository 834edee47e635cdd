/* A non-blocking connect to a port nobody listens on: FD_CONNECT with WSAECONNREFUSED, and no
 * FD_WRITE, FD_READ or FD_CLOSE (docs/SEMANTICS.md rule 4; Microsoft's WSAAsyncSelect
 * documentation "Whether the operation eventually succeeds or not, when the outcome has been
 * determined, FD_CONNECT happens"). */
#include "../scenario.h"

static void body(void)
{
    struct sockaddr_in addr;
    SOCKET hold = named(closed_port(&addr), "port-holder");
    SOCKET c = named(tcp_socket(), "client");
    sel(c, FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE | FD_OOB);
    int rc = connect(c, (struct sockaddr *)&addr, sizeof addr);
    say("connect client -> %s", res(rc));
    check(c, 1);
    check(c, 0);
    do_close(c); do_close(hold);
}

int main(void)
{
    startup("fd_connect_refused");
    BOTH_MODES(body);
    return 0;
}
