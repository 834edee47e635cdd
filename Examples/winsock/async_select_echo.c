/*
 * A classic WSAAsyncSelect echo server: a message-only window, a window procedure switching on
 * WSAGETSELECTEVENT, and a GetMessage loop. It drives itself: a client socket in the same window
 * connects to 127.0.0.1, sends three messages one after another, reads each echo, then shuts down
 * its side; the server sees FD_CLOSE and closes; the client sees FD_CLOSE and the loop ends.
 *
 * The same file builds for Windows and for Linux (EventSelect) and prints the same lines:
 *   x86_64-w64-mingw32-gcc async_select_echo.c -o async_select_echo.exe -lws2_32
 *   gcc async_select_echo.c -o async_select_echo $(pkg-config --cflags --libs eventselect-winsock)
 */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define WM_SERVER (WM_USER + 1) /* listener and accepted connection */
#define WM_CLIENT (WM_USER + 2) /* the self-driving client */
#define WM_START (WM_USER + 3)  /* posted once the window exists */
#define MESSAGES 3

static SOCKET listener = INVALID_SOCKET, connection = INVALID_SOCKET, client = INVALID_SOCKET;
static struct sockaddr_in address;
static int sent;

static void fail(const char *what)
{
    printf("%s failed: %d\n", what, WSAGetLastError());
    PostQuitMessage(1);
}

static void client_send_next(void)
{
    char text[32];
    sprintf(text, "message %d", ++sent);
    if (send(client, text, (int)strlen(text), 0) == SOCKET_ERROR) fail("client send");
}

static LRESULT CALLBACK window_procedure(HWND hwnd, UINT message, WPARAM wParam, LPARAM lParam)
{
    char buffer[64];
    int count;
    switch (message) {
    case WM_START:
        printf("start: window procedure got WM_START (wParam %d)\n", (int)wParam);
        client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        if (connect(client, (struct sockaddr *)&address, sizeof address) == SOCKET_ERROR) {
            fail("connect");
            return 0;
        }
        if (WSAAsyncSelect(client, hwnd, WM_CLIENT, FD_READ | FD_CLOSE) == SOCKET_ERROR) fail("WSAAsyncSelect(client)");
        return 0;
    case WM_SERVER:
        if (WSAGETSELECTERROR(lParam) != 0) printf("server: event %d error %d\n", WSAGETSELECTEVENT(lParam), WSAGETSELECTERROR(lParam));
        switch (WSAGETSELECTEVENT(lParam)) {
        case FD_ACCEPT:
            connection = accept((SOCKET)wParam, NULL, NULL);
            if (connection == INVALID_SOCKET) {
                fail("accept");
                return 0;
            }
            printf("server: FD_ACCEPT, accepted a connection\n");
            if (WSAAsyncSelect(connection, hwnd, WM_SERVER, FD_READ | FD_CLOSE) == SOCKET_ERROR) fail("WSAAsyncSelect(connection)");
            client_send_next();
            return 0;
        case FD_READ:
            count = recv((SOCKET)wParam, buffer, sizeof buffer - 1, 0);
            if (count == SOCKET_ERROR) {
                if (WSAGetLastError() != WSAEWOULDBLOCK) fail("server recv");
                return 0;
            }
            buffer[count] = 0;
            printf("server: FD_READ \"%s\", echoing\n", buffer);
            send((SOCKET)wParam, buffer, count, 0);
            return 0;
        case FD_CLOSE:
            printf("server: FD_CLOSE (error %d), closing the connection\n", WSAGETSELECTERROR(lParam));
            closesocket((SOCKET)wParam);
            return 0;
        }
        return 0;
    case WM_CLIENT:
        switch (WSAGETSELECTEVENT(lParam)) {
        case FD_READ:
            count = recv((SOCKET)wParam, buffer, sizeof buffer - 1, 0);
            if (count == SOCKET_ERROR) {
                if (WSAGetLastError() != WSAEWOULDBLOCK) fail("client recv");
                return 0;
            }
            buffer[count] = 0;
            printf("client: FD_READ echo \"%s\"\n", buffer);
            if (sent < MESSAGES) {
                client_send_next();
            } else {
                printf("client: shutdown(SD_SEND)\n");
                shutdown(client, SD_SEND);
            }
            return 0;
        case FD_CLOSE:
            printf("client: FD_CLOSE (error %d)\n", WSAGETSELECTERROR(lParam));
            closesocket(client);
            closesocket(listener);
            PostQuitMessage(0);
            return 0;
        }
        return 0;
    default:
        return DefWindowProc(hwnd, message, wParam, lParam);
    }
}

int main(void)
{
    WSADATA data;
    WNDCLASSA windowClass;
    HWND hwnd;
    MSG msg;
    int length = sizeof address;

    if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return 1;
    memset(&windowClass, 0, sizeof windowClass);
    windowClass.lpfnWndProc = window_procedure;
    windowClass.hInstance = GetModuleHandleA(NULL);
    windowClass.lpszClassName = "EchoServerWindow";
    if (!RegisterClassA(&windowClass)) return 1;
    hwnd = CreateWindowExA(0, "EchoServerWindow", "echo", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, windowClass.hInstance, NULL);
    if (!hwnd) return 1;

    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) == SOCKET_ERROR || listen(listener, SOMAXCONN) == SOCKET_ERROR ||
        getsockname(listener, (struct sockaddr *)&address, &length) == SOCKET_ERROR) {
        printf("listener setup failed: %d\n", WSAGetLastError());
        return 1;
    }
    if (WSAAsyncSelect(listener, hwnd, WM_SERVER, FD_ACCEPT) == SOCKET_ERROR) return 1;
    printf("listening on 127.0.0.1\n");
    PostMessage(hwnd, WM_START, 42, 0);

    while (GetMessage(&msg, NULL, 0, 0) > 0) {
        TranslateMessage(&msg);
        DispatchMessage(&msg);
    }
    printf("done: WM_QUIT with exit code %d\n", (int)msg.wParam);
    DestroyWindow(hwnd);
    WSACleanup();
    return (int)msg.wParam;
}
