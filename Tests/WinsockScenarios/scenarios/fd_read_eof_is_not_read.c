/* End of stream alone is never FD_READ: the peer closes without sending and only FD_CLOSE
 * (error 0) is recorded; recv then returns 0 and records nothing (docs/SEMANTICS.md rules 1,
 * 5; Microsoft's WSAEventSelect documentation: "It will not record an FD_READ"). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ | FD_CLOSE);
    do_close(client);
    check(server, 1);
    check(server, 0);
    do_recv(server, 16, 0);
    check(server, 0);
    do_close(server);
}

int main(void)
{
    startup("fd_read_eof_is_not_read");
    BOTH_MODES(body);
    return 0;
}
