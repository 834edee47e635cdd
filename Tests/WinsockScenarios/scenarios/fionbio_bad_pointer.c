/* ioctlsocket(FIONBIO) with a bad argument pointer fails with WSAEFAULT instead of crashing
 * (Wine test_fionbio: ioctlsocket(s, FIONBIO, (u_long *)1)); docs/SEMANTICS.md "Bad input". */
#include "../scenario.h"

int main(void)
{
    startup("fionbio_bad_pointer");
    SOCKET s = named(tcp_socket(), "tcp");
    say("ioctlsocket FIONBIO NULL -> %s", res(ioctlsocket(s, FIONBIO, NULL)));
    say("ioctlsocket FIONBIO 1 -> %s", res(ioctlsocket(s, FIONBIO, (u_long *)1)));
    u_long one = 1;
    say("ioctlsocket FIONBIO &1 -> %s", res(ioctlsocket(s, FIONBIO, &one)));
    do_close(s);
    return 0;
}
