/* Event mode only (Wine test_accept_events "select on a subset containing FD_ACCEPT first"):
 * a recorded FD_ACCEPT sets the event; re-selecting without FD_ACCEPT leaves the event set;
 * after ResetEvent a select without FD_ACCEPT does not set it; a select with FD_ACCEPT sets it at
 * once and the enumeration returns the FD_ACCEPT recorded earlier (docs/SEMANTICS.md rules 12,
 * 13, 14). */
#include "../scenario.h"

int main(void)
{
    startup("fd_accept_subset_event");
    mode_begin(0);
    struct sockaddr_in addr;
    SOCKET l = named(make_listener(&addr), "listener");
    SOCKET c = named(tcp_socket(), "client");
    sel(l, FD_OOB | FD_ACCEPT);
    say("connect client -> %s", res(connect(c, (struct sockaddr *)&addr, sizeof addr)));
    check_signal(1);
    sel(l, FD_OOB);
    check_signal(1);
    say("ResetEvent -> %d", ResetEvent(mode_event) ? 1 : 0);
    sel(l, FD_OOB);
    check_signal(0);
    sel(l, FD_OOB | FD_ACCEPT);
    check(l, 1);
    check(l, 0);
    do_close(c); do_close(l);
    mode_end();
    return 0;
}
