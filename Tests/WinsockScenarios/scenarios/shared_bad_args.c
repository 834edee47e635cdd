/* WSADuplicateSocket argument errors (Wine test_WSADuplicateSocket, run on Windows): socket 0 ->
 * WSAENOTSOCK before anything else, even with a NULL info; pid 0 or ~0 -> WSAEINVAL; NULL info
 * -> WSAEFAULT. WSASocket(FROM_PROTOCOL_INFO) with forged bytes must fail, never hand out another
 * socket (docs/SEMANTICS.md rule 18). */
#include "../scenario.h"

int main(void)
{
    startup("shared_bad_args");
    WSAPROTOCOL_INFOA info;
    SOCKET s = named(tcp_socket(), "tcp");
    say("socket 0 -> %s", res(WSADuplicateSocketA(0, GetCurrentProcessId(), &info)));
    say("socket 0, NULL info -> %s", res(WSADuplicateSocketA(0, GetCurrentProcessId(), NULL)));
    say("pid 0 -> %s", res(WSADuplicateSocketA(s, 0, &info)));
    say("pid ~0 -> %s", res(WSADuplicateSocketA(s, ~0u, &info)));
    say("NULL info -> %s", res(WSADuplicateSocketA(s, GetCurrentProcessId(), NULL)));
    do_close(s);
    return 0;
}
