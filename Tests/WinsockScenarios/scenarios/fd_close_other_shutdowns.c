/* The peer's shutdown(SD_RECEIVE) and a local shutdown(SD_BOTH) record nothing ("No other
 * shutdown() call generates an event"); the selection survives the local shutdown, so the
 * peer's later shutdown(SD_SEND) records FD_CLOSE on Windows. Wine drops the selection in its
 * SD_BOTH handler and misses it (Wine test_close_events: check_events_todo(ctx, FD_CLOSE, 0,
 * 200)). docs/SEMANTICS.md rule 5. */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_READ | FD_CLOSE);
    do_shutdown(client, SD_RECEIVE);
    check(server, 0);
    do_shutdown(server, SD_BOTH);
    check(server, 0);
    do_shutdown(client, SD_SEND);
    check(server, 1);
    do_close(client);
    do_close(server);
}

int main(void)
{
    startup("fd_close_other_shutdowns");
    BOTH_MODES(body);
    return 0;
}
