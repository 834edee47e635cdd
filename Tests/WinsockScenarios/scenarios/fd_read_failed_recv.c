/* A receive that fails still re-enables FD_READ, so with data still queued FD_READ is recorded
 * or posted again (docs/SEMANTICS.md rule 9: "A re-enabling call re-enables even when it
 * fails"; Wine test_read_events: recv(server, buffer, -1, 0) fails with WSAEFAULT, then
 * check_events_todo_msg(ctx, FD_READ, 0, 200) -- Wine misses the message-mode post). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    char buffer[16];
    tcp_pair(&client, &server);
    sel(server, FD_READ);
    do_send(client, "data", 4, 0);
    check(server, 1);
    int rc = recv(server, buffer, -1, 0);
    say("recv server -1 -> %s", res(rc));
    check(server, 1);
    do_recv(server, 16, 0);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_read_failed_recv");
    BOTH_MODES(body);
    return 0;
}
