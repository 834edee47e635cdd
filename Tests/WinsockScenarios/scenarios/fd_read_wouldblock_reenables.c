/* A receive that fails with WSAEWOULDBLOCK is still a re-enabling call (docs/SEMANTICS.md
 * rule 9; Microsoft: "Any call to the reenabling routine, even one that fails, results in
 * reenabling"): after the data was read and a further receive found nothing, the next data
 * records FD_READ again. */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ);
    do_send(client, "one", 3, 0);
    check(server, 1);
    do_recv(server, 16, 0);
    do_recv(server, 16, 0);
    check(server, 0);
    do_send(client, "two", 3, 0);
    check(server, 1);
    do_recv(server, 16, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_read_wouldblock_reenables");
    BOTH_MODES(body);
    return 0;
}
