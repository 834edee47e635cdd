/* The layout checks of the Winsock compat headers have no API: this header exists so that SwiftPM
 * builds layout.c (a failed _Static_assert there fails the build). */
#ifndef CEVENTSELECTWINSOCK_H
#define CEVENTSELECTWINSOCK_H
/* The size, in bytes, that the Winsock layer assumes for WSAPROTOCOL_INFOA (Windows': 372). */
int CEventSelectWinsock_protocolInfoASize(void);
/* The calling thread's kernel id (GetCurrentThreadId). */
int CEventSelectWinsock_gettid(void);
#endif
