/*
 * The Winsock layer (Sources/EventSelectWinsock, Swift) reads and writes the compat headers'
 * structs by byte offset. These checks pin each offset to Windows' (Win64) layout, so a header edit
 * that moves a field fails the build instead of corrupting memory.
 */
#include <stddef.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include "CEventSelectWinsock.h"

#define AT(type, field, offset) _Static_assert(offsetof(type, field) == (offset), #type "." #field)
#define SIZE(type, size) _Static_assert(sizeof(type) == (size), "sizeof " #type)

SIZE(SOCKET, 8);
SIZE(DWORD, 4);
SIZE(LONG, 4);
SIZE(WSADATA, 408);
AT(WSADATA, iMaxSockets, 4);
AT(WSADATA, lpVendorInfo, 8);
AT(WSADATA, szDescription, 16);
AT(WSADATA, szSystemStatus, 273);
SIZE(WSANETWORKEVENTS, 44);
AT(WSANETWORKEVENTS, iErrorCode, 4);
AT(fd_set, fd_array, 8);
SIZE(MSG, 48);
AT(MSG, message, 8);
AT(MSG, wParam, 16);
AT(MSG, lParam, 24);
AT(MSG, time, 32);
AT(MSG, pt, 36);
SIZE(WNDCLASSA, 72);
SIZE(WNDCLASSW, 72);
AT(WNDCLASSA, lpfnWndProc, 8);
AT(WNDCLASSA, cbWndExtra, 20);
AT(WNDCLASSA, lpszClassName, 64);
SIZE(WNDCLASSEXA, 80);
SIZE(WNDCLASSEXW, 80);
AT(WNDCLASSEXA, lpfnWndProc, 8);
AT(WNDCLASSEXA, lpszClassName, 64);
SIZE(CREATESTRUCTA, 80);
AT(CREATESTRUCTA, hwndParent, 24);
AT(CREATESTRUCTA, cy, 32);
AT(CREATESTRUCTA, style, 48);
AT(CREATESTRUCTA, lpszName, 56);
AT(CREATESTRUCTA, dwExStyle, 72);
SIZE(WSAPROTOCOL_INFOA, 372);
SIZE(WSAPROTOCOL_INFOW, 628);
AT(WSAPROTOCOL_INFOA, ProviderId, 20);
AT(WSAPROTOCOL_INFOA, dwCatalogEntryId, 36);
AT(WSAPROTOCOL_INFOA, ProtocolChain, 40);
AT(WSAPROTOCOL_INFOA, iVersion, 72);
AT(WSAPROTOCOL_INFOA, iAddressFamily, 76);
AT(WSAPROTOCOL_INFOA, iSocketType, 88);
AT(WSAPROTOCOL_INFOA, iProtocol, 92);
AT(WSAPROTOCOL_INFOA, dwMessageSize, 108);
AT(WSAPROTOCOL_INFOA, dwProviderReserved, 112);
AT(WSAPROTOCOL_INFOA, szProtocol, 116);
AT(WSAPROTOCOL_INFOW, szProtocol, 116);
SIZE(struct sockaddr, 16);
SIZE(struct sockaddr_in, 16);
SIZE(struct sockaddr_in6, 28);
SIZE(struct sockaddr_storage, 128);
SIZE(struct linger, 4);
SIZE(struct addrinfo, 48);
AT(struct addrinfo, ai_addrlen, 16);
AT(struct addrinfo, ai_canonname, 24);
AT(struct addrinfo, ai_addr, 32);
AT(struct addrinfo, ai_next, 40);

int CEventSelectWinsock_protocolInfoASize(void) { return (int)sizeof(WSAPROTOCOL_INFOA); }

SIZE(struct hostent, 32);
AT(struct hostent, h_addrtype, 16);
AT(struct hostent, h_length, 18);
AT(struct hostent, h_addr_list, 24);
