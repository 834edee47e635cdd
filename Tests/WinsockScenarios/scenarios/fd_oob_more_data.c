/* More urgent data arriving while FD_OOB is reported and not re-enabled. Message mode posts
 * nothing. Event mode: Windows records FD_OOB again, Wine does not (Wine test_oob_events, after
 * select / select(0) / select: `if (!ctx->is_message) check_events_todo_event(ctx, FD_OOB, 0,
 * 200)`). docs/SEMANTICS.md rule 13. EventSelect does not re-arm FD_OOB (two wake-ups per urgent
 * byte on Linux): expected/fd_oob_more_data.eventselect.txt records that known difference. */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_OOB);
    do_send(client, "a", 1, MSG_OOB);
    check(server, 1);
    sel(server, FD_OOB);
    check(server, message_mode);
    sel(server, 0);
    sel(server, FD_OOB);
    check(server, message_mode);
    do_send(client, "b", 1, MSG_OOB);
    check(server, !message_mode);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("fd_oob_more_data");
    BOTH_MODES(body);
    return 0;
}
