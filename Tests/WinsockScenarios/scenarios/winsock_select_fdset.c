/* Winsock's select with Winsock's fd_set (fd_count + fd_array, FD_SET / FD_ISSET / FD_CLR /
 * FD_ZERO) and FIONREAD: a connected socket is writable, readable once data arrives, FIONREAD
 * counts the bytes; a listener is readable when a connection waits; select with a zero timeout
 * and nothing ready returns 0. */
#include "../scenario.h"

int main(void)
{
    startup("winsock_select_fdset");
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET client, server;
    tcp_pair(&client, &server);
    fd_set r, w;
    struct timeval zero = { 0, 0 }, wait = { EXPECT_MS / 1000, 0 };
    FD_ZERO(&r);
    FD_SET(server, &r);
    FD_SET(l, &r);
    FD_SET(server, &r);
    say("fd_count after FD_SET x3 (one twice) -> %u", (unsigned)r.fd_count);
    say("select read, nothing ready -> %d", select(0, &r, NULL, NULL, &zero));
    FD_ZERO(&w);
    FD_SET(client, &w);
    FD_SET(server, &w);
    int n = select(0, NULL, &w, NULL, &zero);
    say("select write client+server -> %d client %d server %d", n, FD_ISSET(client, &w) ? 1 : 0, FD_ISSET(server, &w) ? 1 : 0);
    do_send(client, "12345", 5, 0);
    FD_ZERO(&r);
    FD_SET(server, &r);
    FD_SET(l, &r);
    n = select(0, &r, NULL, NULL, &wait);
    say("select read server+listener -> %d server %d listener %d", n, FD_ISSET(server, &r) ? 1 : 0, FD_ISSET(l, &r) ? 1 : 0);
    u_long avail = 0;
    say("ioctlsocket FIONREAD -> %s", res(ioctlsocket(server, FIONREAD, &avail)));
    say("FIONREAD %lu", (unsigned long)avail);
    SOCKET c2 = named(tcp_socket(), "client2");
    say("connect client2 -> %s", res(connect(c2, (struct sockaddr *)&addr, sizeof addr)));
    FD_ZERO(&r);
    FD_SET(l, &r);
    FD_SET(server, &r);
    FD_CLR(server, &r);
    say("fd_count after FD_CLR -> %u", (unsigned)r.fd_count);
    n = select(0, &r, NULL, NULL, &wait);
    say("select read listener -> %d listener %d", n, FD_ISSET(l, &r) ? 1 : 0);
    do_close(c2); do_close(client); do_close(server); do_close(l);
    return 0;
}
