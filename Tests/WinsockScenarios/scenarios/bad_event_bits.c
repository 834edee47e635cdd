/* The Winsock 2 bits beyond FD_CLOSE (FD_QOS, FD_GROUP_QOS, FD_ROUTING_INTERFACE_CHANGE,
 * FD_ADDRESS_LIST_CHANGE) are valid lNetworkEvents values in Microsoft's WSAEventSelect and
 * WSAAsyncSelect documentation, so Windows accepts a selection that contains them (Wine too);
 * they only fire after the matching WSAIoctl, which a plain socket never issues. The modelled
 * bits in the same selection work as usual. See docs/CONFORMANCE.md. */
#include "../scenario.h"

static void body(void)
{
    SOCKET client, server;
    tcp_pair(&client, &server);
    sel(server, FD_QOS);
    check(server, 0);
    sel(server, FD_WRITE | FD_ADDRESS_LIST_CHANGE);
    check(server, 1);
    sel(server, FD_WRITE | FD_ROUTING_INTERFACE_CHANGE | FD_GROUP_QOS);
    check(server, message_mode);
    do_close(client); do_close(server);
}

int main(void)
{
    startup("bad_event_bits");
    BOTH_MODES(body);
    return 0;
}
