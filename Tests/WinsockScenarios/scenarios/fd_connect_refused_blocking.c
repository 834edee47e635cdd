/* A blocking connect to a closed port fails with WSAECONNREFUSED, and the socket never becomes
 * writable afterwards (Winsock select times out); selecting it then records nothing
 * (docs/SEMANTICS.md rules 4, 6; Wine test_errors). */
#include "../scenario.h"

int main(void)
{
    startup("fd_connect_refused_blocking");
    struct sockaddr_in addr;
    SOCKET hold = named(closed_port(&addr), "port-holder");
    SOCKET c = named(tcp_socket(), "client");
    int rc = connect(c, (struct sockaddr *)&addr, sizeof addr);
    say("connect client -> %s", res(rc));
    fd_set w;
    struct timeval tv = { 0, 100000 };
    FD_ZERO(&w);
    FD_SET(c, &w);
    say("select writable -> %d", select(0, NULL, &w, NULL, &tv));
    mode_begin(0);
    sel(c, FD_WRITE | FD_READ | FD_CLOSE);
    check(c, 0);
    mode_end();
    do_close(c); do_close(hold);
    return 0;
}
