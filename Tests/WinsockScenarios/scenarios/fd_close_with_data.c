/* The peer sends, then closes. Windows records FD_CLOSE as soon as the FIN arrives, while the
 * data is still unread; a partial receive re-posts FD_READ; the final receive records nothing.
 * Wine delays FD_CLOSE until the data is read (Wine test_close_events "Test sending data before
 * calling closesocket()": the FD_CLOSE check is todo_wine). docs/SEMANTICS.md rule 5. */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ | FD_CLOSE);
    do_send(client, "data", 4, 0);
    check(server, 1);
    do_close(client);
    check(server, 1);
    do_recv(server, 2, 0);
    check(server, 1);
    do_recv(server, 2, 0);
    check(server, 0);
    do_recv(server, 2, 0);
    check(server, 0);
    do_close(server);
}

int main(void)
{
    startup("fd_close_with_data");
    BOTH_MODES(body);
    return 0;
}
