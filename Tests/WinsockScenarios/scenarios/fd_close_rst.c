/* An abortive close by the peer (SO_LINGER {1, 0}, then closesocket: an RST) records FD_CLOSE
 * with WSAECONNABORTED on Windows (message mode: lParam = WSAMAKESELECTREPLY(FD_CLOSE,
 * WSAECONNABORTED)). Wine reports error 0 (Wine test_close_events "Trigger RST": the check is
 * todo_wine). Afterwards recv fails with WSAECONNRESET. docs/SEMANTICS.md rule 5. */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ | FD_CLOSE);
    close_with_rst(client);
    check(server, 1);
    check(server, 0);
    do_recv(server, 5, 0);
    do_close(server);
}

int main(void)
{
    startup("fd_close_rst");
    BOTH_MODES(body);
    return 0;
}
