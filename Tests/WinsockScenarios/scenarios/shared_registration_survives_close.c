/* A registration made through one descriptor stays while another descriptor of the socket
 * remains (docs/SEMANTICS.md rule 17): select FD_READ through `server`, close `server`, keep its
 * duplicate; new data still sets the event object, and the duplicate enumerates the FD_READ.
 * Microsoft says closesocket cancels the association, which Wine (and EventSelect) read as
 * "closing the socket": the selection lives in the one socket object and ends with its last
 * handle (Wine server/sock.c sock_close_handle). */
#include "../scenario.h"

int main(void)
{
    startup("shared_registration_survives_close");
    mode_begin(0);
    SOCKET client, server;
    tcp_pair(&client, &server);
    WSAPROTOCOL_INFOA info;
    say("WSADuplicateSocketA -> %s", res(WSADuplicateSocketA(server, GetCurrentProcessId(), &info)));
    SOCKET dup = named(WSASocketA(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, 0), "dup");
    say("WSASocketA -> %s", dup == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    sel(server, FD_READ);
    do_close(server);
    do_send(client, "data", 4, 0);
    check(dup, 1);
    do_recv(dup, 16, 0);
    check(dup, 0);
    do_close(dup);
    do_close(client);
    mode_end();
    return 0;
}
