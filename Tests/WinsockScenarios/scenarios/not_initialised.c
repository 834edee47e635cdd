/* Winsock calls before WSAStartup fail with WSANOTINITIALISED; after WSACleanup too
 * (docs/SEMANTICS.md "Bad input"; Microsoft's error tables). */
#include "../scenario.h"

int main(void)
{
    say("# not_initialised");
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    say("socket before WSAStartup -> %s %s", s == INVALID_SOCKET ? "INVALID_SOCKET" : "socket", wsa_name(WSAGetLastError()));
    WSADATA d;
    say("WSAStartup -> %d", WSAStartup(MAKEWORD(2, 2), &d));
    say("wVersion %d.%d", LOBYTE(d.wVersion), HIBYTE(d.wVersion));
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    say("socket -> %s", s == INVALID_SOCKET ? "INVALID_SOCKET" : "socket");
    closesocket(s);
    say("WSACleanup -> %d", WSACleanup());
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    say("socket after WSACleanup -> %s %s", s == INVALID_SOCKET ? "INVALID_SOCKET" : "socket", wsa_name(WSAGetLastError()));
    return 0;
}
