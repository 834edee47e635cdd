/* A fresh, unbound UDP socket selected for FD_WRITE: Windows posts FD_WRITE in message mode and
 * records nothing in event mode (Wine test_connect_events "Test with UDP sockets": the event-mode
 * check is todo_wine; Microsoft: "FD_WRITE may or may not occur at this time
 * (implementation-dependent)"). */
#include "../scenario.h"

static void body(void)
{
    SOCKET u = named(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), "udp");
    sel(u, FD_READ | FD_WRITE);
    check(u, message_mode);
    do_close(u);
}

int main(void)
{
    startup("fd_write_udp_unbound");
    BOTH_MODES(body);
    return 0;
}
