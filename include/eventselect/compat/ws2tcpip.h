/*
 * EventSelect Winsock compatibility: <ws2tcpip.h> (name resolution and address text in Windows'
 * layouts and values: struct addrinfo has ai_canonname before ai_addr, AF_INET6 is 23, AI_* and
 * NI_* are Windows' bits, EAI_* are WSA error codes). Implemented by libEventSelectWinsock.
 */
#ifndef EVENTSELECT_COMPAT_WS2TCPIP_H
#define EVENTSELECT_COMPAT_WS2TCPIP_H

#include "winsock2.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int socklen_t;

typedef struct addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    char *ai_canonname;
    struct sockaddr *ai_addr;
    struct addrinfo *ai_next;
} ADDRINFOA, *PADDRINFOA;

#define AI_PASSIVE 0x00000001
#define AI_CANONNAME 0x00000002
#define AI_NUMERICHOST 0x00000004
#define AI_NUMERICSERV 0x00000008
#define AI_ALL 0x00000100
#define AI_ADDRCONFIG 0x00000400
#define AI_V4MAPPED 0x00000800

#define EAI_AGAIN WSATRY_AGAIN
#define EAI_BADFLAGS WSAEINVAL
#define EAI_FAIL WSANO_RECOVERY
#define EAI_FAMILY WSAEAFNOSUPPORT
#define EAI_MEMORY WSA_NOT_ENOUGH_MEMORY
#define EAI_NONAME WSAHOST_NOT_FOUND
#define EAI_SERVICE WSATYPE_NOT_FOUND
#define EAI_SOCKTYPE WSAESOCKTNOSUPPORT
#define EAI_NODATA EAI_NONAME

#define NI_MAXHOST 1025
#define NI_MAXSERV 32
#define NI_NOFQDN 0x01
#define NI_NUMERICHOST 0x02
#define NI_NAMEREQD 0x04
#define NI_NUMERICSERV 0x08
#define NI_DGRAM 0x10

#define INET_ADDRSTRLEN 22
#define INET6_ADDRSTRLEN 65

#define IP_OPTIONS 1
#define IP_HDRINCL 2
#define IP_TOS 3
#define IP_TTL 4
#define IPV6_V6ONLY 27
#define IPV6_UNICAST_HOPS 4

int WSAAPI getaddrinfo(const char *pNodeName, const char *pServiceName, const struct addrinfo *pHints,
                       struct addrinfo **ppResult) EVENTSELECT_WS(getaddrinfo);
void WSAAPI freeaddrinfo(struct addrinfo *pAddrInfo) EVENTSELECT_WS(freeaddrinfo);
int WSAAPI getnameinfo(const struct sockaddr *pSockaddr, socklen_t SockaddrLength, char *pNodeBuffer,
                       DWORD NodeBufferSize, char *pServiceBuffer, DWORD ServiceBufferSize, int Flags)
    EVENTSELECT_WS(getnameinfo);
char *WSAAPI gai_strerrorA(int ecode) EVENTSELECT_WS(gai_strerrorA);
#define gai_strerror gai_strerrorA
int WSAAPI inet_pton(int Family, const char *pszAddrString, void *pAddrBuf) EVENTSELECT_WS(inet_pton);
const char *WSAAPI inet_ntop(int Family, const void *pAddr, char *pStringBuf, size_t StringBufSize)
    EVENTSELECT_WS(inet_ntop);
#define InetPtonA inet_pton
#define InetNtopA inet_ntop

#ifdef __cplusplus
}
#endif
#endif
