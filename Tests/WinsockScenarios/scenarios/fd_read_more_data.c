/* More data arriving while FD_READ is reported and not re-enabled. Message mode posts nothing.
 * Event mode: Windows records FD_READ again, Wine does not (Wine test_read_events, after the
 * select / select(0) / select sequence used here: `if (!ctx->is_message) check_events_todo(ctx,
 * FD_READ, 0, 200)`). A receive of part of the data then re-posts (docs/SEMANTICS.md rule 10). */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ);
    do_send(client, "data", 4, 0);
    check(server, 1);
    sel(server, FD_READ);
    check(server, message_mode);
    sel(server, 0);
    sel(server, FD_READ);
    check(server, message_mode);
    do_send(client, "data", 4, 0);
    await_bytes(server, 8);
    check(server, !message_mode);
    do_recv(server, 2, 0);
    check(server, 1);
    do_recv(server, 16, 0);
    check(server, 0);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_read_more_data");
    BOTH_MODES(body);
    return 0;
}
