/*
 * A WSAEventSelect server: one event object per socket, WSAWaitForMultipleEvents over all of
 * them, WSAEnumNetworkEvents to read and reset. It drives itself: three clients in the same loop
 * connect to 127.0.0.1; once all are accepted, each in turn sends a greeting, reads the echo and
 * closes, and the server sees FD_CLOSE for that connection before the next client starts.
 *
 * The same file builds for Windows and for Linux (EventSelect) and prints the same lines:
 *   x86_64-w64-mingw32-gcc event_select_server.c -o event_select_server.exe -lws2_32
 *   gcc event_select_server.c -o event_select_server $(pkg-config --cflags --libs eventselect-winsock)
 */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define CLIENTS 3

/* Slot 0: the listener; 1..CLIENTS: the clients; then the accepted connections, in order. */
static SOCKET sockets[WSA_MAXIMUM_WAIT_EVENTS];
static WSAEVENT events[WSA_MAXIMUM_WAIT_EVENTS];
static int count;

static int add(SOCKET s, long mask)
{
    sockets[count] = s;
    events[count] = WSACreateEvent();
    if (events[count] == WSA_INVALID_EVENT || WSAEventSelect(s, events[count], mask) == SOCKET_ERROR) {
        printf("WSAEventSelect failed: %d\n", WSAGetLastError());
        return -1;
    }
    return count++;
}

static void client_greets(int client)
{
    char text[32];
    sprintf(text, "hello from client %d", client);
    send(sockets[client], text, (int)strlen(text), 0);
}

int main(void)
{
    WSADATA data;
    struct sockaddr_in address;
    int length = sizeof address, accepted = 0, finished = 0, i;
    SOCKET listener;

    if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return 1;
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) == SOCKET_ERROR || listen(listener, SOMAXCONN) == SOCKET_ERROR ||
        getsockname(listener, (struct sockaddr *)&address, &length) == SOCKET_ERROR) {
        printf("listener setup failed: %d\n", WSAGetLastError());
        return 1;
    }
    if (add(listener, FD_ACCEPT | FD_CLOSE) < 0) return 1;
    for (i = 1; i <= CLIENTS; i++) {
        SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        if (connect(s, (struct sockaddr *)&address, sizeof address) == SOCKET_ERROR) {
            printf("connect failed: %d\n", WSAGetLastError());
            return 1;
        }
        if (add(s, FD_READ | FD_CLOSE) < 0) return 1;
    }
    printf("listening; %d clients connected\n", CLIENTS);

    while (finished < CLIENTS) {
        WSANETWORKEVENTS happened;
        DWORD index = WSAWaitForMultipleEvents(count, events, FALSE, 10000, FALSE);
        int slot;
        char buffer[64];
        int n;
        if (index == WSA_WAIT_TIMEOUT || index == WSA_WAIT_FAILED) {
            printf("wait failed: %lu (error %d)\n", (unsigned long)index, WSAGetLastError());
            return 1;
        }
        slot = (int)(index - WSA_WAIT_EVENT_0);
        if (WSAEnumNetworkEvents(sockets[slot], events[slot], &happened) == SOCKET_ERROR) {
            printf("WSAEnumNetworkEvents failed: %d\n", WSAGetLastError());
            return 1;
        }
        if (happened.lNetworkEvents & FD_ACCEPT) {
            SOCKET connection = accept(listener, NULL, NULL);
            accepted++;
            printf("slot %d: FD_ACCEPT (error %d), connection %d accepted into slot %d\n", slot,
                   happened.iErrorCode[FD_ACCEPT_BIT], accepted, count);
            if (add(connection, FD_READ | FD_CLOSE) < 0) return 1;
            if (accepted == CLIENTS) client_greets(1);
        }
        if (happened.lNetworkEvents & FD_READ) {
            n = recv(sockets[slot], buffer, sizeof buffer - 1, 0);
            if (n == SOCKET_ERROR) {
                if (WSAGetLastError() != WSAEWOULDBLOCK) printf("slot %d: recv failed: %d\n", slot, WSAGetLastError());
                continue;
            }
            buffer[n] = 0;
            if (slot > CLIENTS) {
                printf("slot %d: FD_READ \"%s\", echoing\n", slot, buffer);
                send(sockets[slot], buffer, n, 0);
            } else {
                printf("slot %d: FD_READ echo \"%s\", client %d closes\n", slot, buffer, slot);
                closesocket(sockets[slot]);
                WSAResetEvent(events[slot]);
            }
        }
        if (happened.lNetworkEvents & FD_CLOSE) {
            printf("slot %d: FD_CLOSE (error %d)\n", slot, happened.iErrorCode[FD_CLOSE_BIT]);
            closesocket(sockets[slot]);
            finished++;
            if (finished < CLIENTS) client_greets(finished + 1);
        }
    }
    printf("done: %d connections served\n", finished);
    closesocket(listener);
    for (i = 0; i < count; i++) WSACloseEvent(events[i]);
    WSACleanup();
    return 0;
}
