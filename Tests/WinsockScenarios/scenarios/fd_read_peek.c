/* recv with MSG_PEEK is a re-enabling call for FD_READ: the data is still there, so FD_READ is
 * recorded again (docs/SEMANTICS.md rule 9; Microsoft's WSAAsyncSelect documentation: "After
 * recv or recvfrom is called, with or without MSG_PEEK, if data is still available"). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ);
    do_send(client, "peek", 4, 0);
    check(server, 1);
    do_recv(server, 16, MSG_PEEK);
    check(server, 1);
    do_recv(server, 16, 0);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_read_peek");
    BOTH_MODES(body);
    return 0;
}
