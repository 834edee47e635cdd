/*
 * A tour of the Winsock C API's non-socket-event surface: windows and the thread's message queue,
 * event objects and waits, socket options, addresses, shared-socket arguments and error codes.
 * Written against Winsock only; built with mingw-w64 and run under Wine, its output is
 * Tests/WinsockPrograms/expected/api_tour.txt, which the gcc build against EventSelect must print too. Every call runs
 * in its own statement (C leaves the order of a call's arguments unspecified).
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define WM_SOCKET (WM_USER + 10)
static HWND window;
static int created, destroyed;
static long long r, r2, r3;
static unsigned long err;
/* Runs a call, then reads the thread's last error (GetLastError is WSAGetLastError). */
#define CALL(expr)                          \
    do {                                    \
        r = (long long)(expr);              \
        err = (unsigned long)GetLastError(); \
    } while (0)

static void say(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    printf("\n");
}

static LRESULT CALLBACK procedure(HWND hwnd, UINT message, WPARAM wParam, LPARAM lParam)
{
    switch (message) {
    case WM_CREATE: {
        CREATESTRUCTA *create = (CREATESTRUCTA *)lParam;
        created++;
        say("WM_CREATE: lpCreateParams %s, class %s", (const char *)create->lpCreateParams, create->lpszClass);
        return 0;
    }
    case WM_DESTROY:
        destroyed++;
        say("WM_DESTROY");
        return 0;
    case WM_USER + 1:
        say("procedure: WM_USER+1 wParam %d lParam %d", (int)wParam, (int)lParam);
        return 7;
    case WM_SOCKET:
        say("procedure: socket message event %d error %d", WSAGETSELECTEVENT(lParam), WSAGETSELECTERROR(lParam));
        return 0;
    }
    return DefWindowProcA(hwnd, message, wParam, lParam);
}

static void windows_and_messages(void)
{
    WNDCLASSEXA wc;
    MSG msg;
    int i;
    say("== windows and messages");
    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc - 1;
    wc.lpfnWndProc = procedure;
    wc.lpszClassName = "TourWindow";
    CALL(RegisterClassExA(&wc));
    say("RegisterClassExA wrong cbSize -> %d", r != 0);
    wc.cbSize = sizeof wc;
    wc.cbWndExtra = sizeof(LONG_PTR);
    CALL(RegisterClassExA(&wc));
    say("RegisterClassExA -> %s", r ? "atom" : "0");
    CALL(RegisterClassExA(&wc));
    say("RegisterClassExA again -> %d, error %lu", r != 0, err);
    CALL(CreateWindowExA(0, "NoSuchClass", "", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL));
    /* Not the error code: Wine sets ERROR_CLASS_DOES_NOT_EXIST, Windows and EventSelect
     * ERROR_CANNOT_FIND_WND_CLASS. */
    say("CreateWindowExA unknown class -> %s", r ? "hwnd" : "NULL");
    window = CreateWindowExA(0, "tourwindow", "tour", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, GetModuleHandleA(NULL), (LPVOID) "params");
    say("CreateWindowExA (class name in other case) -> %s, WM_CREATE seen %d", window ? "hwnd" : "NULL", created);
    say("IsWindow -> %d", IsWindow(window));
    SetWindowLongPtrA(window, GWLP_USERDATA, 1234);
    SetWindowLongPtrA(window, 0, 5678);
    r = GetWindowLongPtrA(window, GWLP_USERDATA);
    r2 = GetWindowLongPtrA(window, 0);
    say("GetWindowLongPtrA USERDATA %d, extra 0 %d", (int)r, (int)r2);
    r = SendMessageA(window, WM_USER + 1, 1, 2);
    say("SendMessageA -> %d", (int)r);

    PostMessageA(window, WM_USER + 3, 3, 0);
    PostMessageA(window, WM_USER + 1, 1, 0);
    PostMessageA(NULL, WM_USER + 2, 2, 0);
    PostMessageA(window, WM_USER + 5, 5, 0);
    r = PeekMessageA(&msg, NULL, WM_USER + 1, WM_USER + 2, PM_NOREMOVE);
    say("PeekMessage range USER+1..USER+2 NOREMOVE -> %d msg %d", (int)r, (int)(msg.message - WM_USER));
    r = PeekMessageA(&msg, (HWND)-1, 0, 0, PM_REMOVE);
    say("PeekMessage hwnd -1 REMOVE -> %d msg %d hwnd %s", (int)r, (int)(msg.message - WM_USER), msg.hwnd ? "window" : "NULL");
    r = PeekMessageA(&msg, window, WM_USER + 4, WM_USER + 9, PM_REMOVE);
    say("PeekMessage window range USER+4..USER+9 -> %d msg %d", (int)r, (int)(msg.message - WM_USER));
    for (i = 0; i < 3; i++) {
        if (!PeekMessageA(&msg, NULL, 0, 0, PM_REMOVE)) {
            say("PeekMessage -> 0");
            break;
        }
        say("PeekMessage -> msg %d wParam %d", (int)(msg.message - WM_USER), (int)msg.wParam);
        if (msg.message == WM_USER + 1) {
            r = DispatchMessageA(&msg);
            say("DispatchMessage -> %d", (int)r);
        }
    }
    r = MsgWaitForMultipleObjects(0, NULL, FALSE, 0, QS_ALLINPUT);
    say("MsgWaitForMultipleObjects empty queue 0 ms -> %lu", (unsigned long)r);
    PostMessageA(window, WM_USER + 6, 0, 0);
    r = MsgWaitForMultipleObjects(0, NULL, FALSE, 0, QS_ALLINPUT);
    say("MsgWaitForMultipleObjects after a post -> %lu", (unsigned long)r);
    r = MsgWaitForMultipleObjectsEx(0, NULL, 0, QS_KEY, 0);
    say("MsgWaitForMultipleObjectsEx QS_KEY only -> %lu", (unsigned long)r);
    r = MsgWaitForMultipleObjectsEx(0, NULL, 0, QS_ALLINPUT, MWMO_INPUTAVAILABLE);
    say("MsgWaitForMultipleObjectsEx INPUTAVAILABLE -> %lu", (unsigned long)r);
    PostQuitMessage(3);
    r = GetMessageA(&msg, NULL, 0, 0);
    say("GetMessage (a post queued before the quit) -> %d msg %d", (int)r, (int)(msg.message - WM_USER));
    r = GetMessageA(&msg, NULL, 0, 0);
    say("GetMessage -> %d msg WM_QUIT %d wParam %d", (int)r, msg.message == WM_QUIT, (int)msg.wParam);
    r = PeekMessageA(&msg, NULL, 0, 0, PM_REMOVE);
    say("PeekMessage after WM_QUIT -> %d", (int)r);
}

static void events_and_waits(void)
{
    HANDLE autoEvent = CreateEventA(NULL, FALSE, TRUE, NULL);
    HANDLE manual = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE both[2];
    WSAEVENT many[100];
    int i;
    say("== events and waits");
    r = WaitForSingleObject(autoEvent, 0);
    r2 = WaitForSingleObject(autoEvent, 0);
    say("auto-reset, initially set: WaitForSingleObject -> %lu, again -> %lu", (unsigned long)r, (unsigned long)r2);
    both[0] = manual;
    both[1] = autoEvent;
    SetEvent(autoEvent);
    r = WaitForMultipleObjects(2, both, FALSE, 0);
    say("WaitForMultipleObjects any -> %lu", (unsigned long)r);
    SetEvent(autoEvent);
    r = WaitForMultipleObjects(2, both, TRUE, 0);
    say("WaitForMultipleObjects all (manual unset) -> %lu", (unsigned long)r);
    SetEvent(manual);
    r = WaitForMultipleObjects(2, both, TRUE, 0);
    r2 = WaitForSingleObject(autoEvent, 0);
    r3 = WaitForSingleObject(manual, 0);
    say("WaitForMultipleObjects all -> %lu, auto-reset taken -> %lu, manual stays -> %lu", (unsigned long)r, (unsigned long)r2,
        (unsigned long)r3);
    ResetEvent(manual);
    r = WaitForSingleObject(manual, 20);
    say("WaitForSingleObject 20 ms unset -> %lu", (unsigned long)r);
    CALL(SetEvent((HANDLE)(LONG_PTR)0x1234567));
    say("SetEvent bad handle -> %d error %lu", (int)r, err);
    r2 = CloseHandle(autoEvent);
    CALL(CloseHandle(autoEvent));
    say("CloseHandle -> %d, again -> %d error %lu", (int)r2, (int)r, err);
    CloseHandle(manual);
    for (i = 0; i < 64; i++) many[i] = WSACreateEvent();
    WSASetEvent(many[63]);
    WSASetEvent(many[40]);
    r = WSAWaitForMultipleEvents(64, many, FALSE, 0, FALSE);
    say("WSAWaitForMultipleEvents 64 -> %lu", (unsigned long)r);
    r = WSAWaitForMultipleEvents(64, many, TRUE, 0, FALSE);
    say("WSAWaitForMultipleEvents all 64 -> %lu", (unsigned long)r);
    CALL(WSAWaitForMultipleEvents(0, many, FALSE, 0, FALSE));
    say("WSAWaitForMultipleEvents 0 events -> %lu error %lu", (unsigned long)r, err);
    for (i = 0; i < 64; i++) WSACloseEvent(many[i]);
    CALL(WSAWaitForMultipleEvents(1, many, FALSE, 0, FALSE));
    say("WSAWaitForMultipleEvents closed event -> %lu error %lu", (unsigned long)r, err);
    CALL(WSACloseEvent(many[0]));
    say("WSACloseEvent closed -> %d error %lu", (int)r, err);
}

static void options_and_addresses(void)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    SOCKET s6 = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    struct linger linger = { 1, 7 };
    int value = 1, length = sizeof value;
    u_long pending = 99;
    char text[INET6_ADDRSTRLEN];
    struct in6_addr v6;
    struct sockaddr_in6 a6;
    struct addrinfo hints, *result = NULL;
    say("== options and addresses");
    CALL(setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&linger, sizeof linger));
    say("setsockopt SO_LINGER -> %d", (int)r);
    memset(&linger, 0, sizeof linger);
    length = sizeof linger;
    CALL(getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&linger, &length));
    say("getsockopt SO_LINGER -> %d onoff %d linger %d length %d", (int)r, linger.l_onoff, linger.l_linger, length);
    value = 1;
    CALL(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&value, sizeof value));
    say("setsockopt TCP_NODELAY -> %d", (int)r);
    value = 0;
    length = sizeof value;
    CALL(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, (char *)&value, &length));
    say("getsockopt TCP_NODELAY -> %d value %d", (int)r, value != 0);
    value = 32768;
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, (const char *)&value, sizeof value);
    value = 0;
    length = sizeof value;
    getsockopt(s, SOL_SOCKET, SO_RCVBUF, (char *)&value, &length);
    say("SO_RCVBUF set 32768 reads %d", value);
    value = 1;
    setsockopt(s, SOL_SOCKET, SO_OOBINLINE, (const char *)&value, sizeof value);
    value = 0;
    length = sizeof value;
    getsockopt(s, SOL_SOCKET, SO_OOBINLINE, (char *)&value, &length);
    say("SO_OOBINLINE reads %d", value);
    length = sizeof value;
    CALL(getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&value, &length));
    say("SO_ERROR -> %d value %d", (int)r, value);
    length = sizeof value;
    CALL(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&value, &length));
    say("SO_TYPE -> %d value %d", (int)r, value);
    length = 1;
    CALL(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&value, &length));
    say("SO_TYPE with 1-byte buffer -> %d error %lu", (int)r, err);
    length = sizeof value;
    CALL(getsockopt(s, SOL_SOCKET, 0x7777, (char *)&value, &length));
    say("getsockopt unknown option -> %d error %lu", (int)r, err);
    CALL(ioctlsocket(s, FIONREAD, &pending));
    say("ioctlsocket FIONREAD unconnected -> %d value %lu", (int)r, (unsigned long)pending);
    length = sizeof a6;
    CALL(getsockname(s, (struct sockaddr *)&a6, &length));
    say("getsockname unbound -> %d error %lu", (int)r, err);

    CALL(inet_pton(AF_INET6, "::1", &v6));
    say("inet_pton AF_INET6 -> %d", (int)r);
    say("inet_ntop -> %s", inet_ntop(AF_INET6, &v6, text, sizeof text));
    memset(&a6, 0, sizeof a6);
    a6.sin6_family = AF_INET6;
    a6.sin6_addr = v6;
    CALL(bind(s6, (struct sockaddr *)&a6, sizeof a6));
    say("bind AF_INET6 ::1 -> %d", (int)r);
    memset(&a6, 0, sizeof a6);
    length = sizeof a6;
    CALL(getsockname(s6, (struct sockaddr *)&a6, &length));
    say("getsockname AF_INET6 -> %d family %d length %d loopback %d port set %d", (int)r, a6.sin6_family, length,
        memcmp(&a6.sin6_addr, &in6addr_loopback, sizeof v6) == 0, a6.sin6_port != 0);
    length = sizeof(struct sockaddr_in);
    CALL(getsockname(s6, (struct sockaddr *)&a6, &length));
    say("getsockname AF_INET6 into a sockaddr_in -> %d error %lu", (int)r, err);
    say("inet_addr 127.0.0.1 -> 0x%08lx, htonl 0x%08lx", (unsigned long)inet_addr("127.0.0.1"), (unsigned long)htonl(INADDR_LOOPBACK));

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET6;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    CALL(getaddrinfo("::1", "8080", &hints, &result));
    say("getaddrinfo ::1 8080 -> %d", (int)r);
    if (r == 0) {
        struct sockaddr_in6 *found = (struct sockaddr_in6 *)result->ai_addr;
        say("  family %d socktype %d addrlen %d port %d next %s", result->ai_family, result->ai_socktype, (int)result->ai_addrlen,
            ntohs(found->sin6_port), result->ai_next ? "more" : "NULL");
        freeaddrinfo(result);
    }
    hints.ai_family = AF_INET;
    CALL(getaddrinfo("not an address", "80", &hints, &result));
    say("getaddrinfo numeric host, bad text -> %d", (int)r);
    closesocket(s);
    closesocket(s6);
}

static void errors_and_shared_sockets(void)
{
    WSAPROTOCOL_INFOA info;
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    SOCKET copy;
    WSAEVENT event = WSACreateEvent();
    fd_set none;
    struct timeval zero = { 0, 0 };
    say("== errors and shared sockets");
    say("sizeof WSAPROTOCOL_INFOA %d W %d WSANETWORKEVENTS %d MSG %d", (int)sizeof(WSAPROTOCOL_INFOA), (int)sizeof(WSAPROTOCOL_INFOW),
        (int)sizeof(WSANETWORKEVENTS), (int)sizeof(MSG));
    CALL(WSADuplicateSocketA(INVALID_SOCKET, GetCurrentProcessId(), &info));
    say("WSADuplicateSocketA INVALID_SOCKET -> %d error %lu", (int)r, err);
    CALL(WSADuplicateSocketA(s, 0, &info));
    say("WSADuplicateSocketA pid 0 -> %d error %lu", (int)r, err);
    CALL(WSADuplicateSocketA(s, GetCurrentProcessId(), NULL));
    say("WSADuplicateSocketA NULL info -> %d error %lu", (int)r, err);
    memset(&info, 0, sizeof info);
    CALL(WSADuplicateSocketA(s, GetCurrentProcessId(), &info));
    say("WSADuplicateSocketA own pid -> %d", (int)r);
    say("  iAddressFamily %d iSocketType %d iProtocol %d iVersion %d iMaxSockAddr %d", info.iAddressFamily, info.iSocketType,
        info.iProtocol, info.iVersion, info.iMaxSockAddr);
    copy = WSASocketA(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, 0);
    say("WSASocketA(FROM_PROTOCOL_INFO) -> %s", copy == INVALID_SOCKET ? "INVALID_SOCKET" : "socket");
    closesocket(copy);
    CALL(recv(INVALID_SOCKET, (char *)&info, 4, 0));
    say("recv INVALID_SOCKET -> %d error %lu", (int)r, err);
    CALL(WSAEventSelect(s, event, FD_READ));
    say("WSAEventSelect FD_READ -> %d", (int)r);
    FD_ZERO(&none);
    CALL(select(0, &none, NULL, NULL, &zero));
    say("select with no sockets -> %d error %lu", (int)r, err);
    WSASetLastError(12345);
    say("WSASetLastError / GetLastError -> %lu", (unsigned long)GetLastError());
    closesocket(s);
    CALL(closesocket(s));
    say("closesocket twice -> %d error %lu", (int)r, err);
    WSACloseEvent(event);
}

static void datagrams(void)
{
    SOCKET receiver = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    SOCKET sender = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    WSAEVENT event = WSACreateEvent();
    WSANETWORKEVENTS happened;
    struct sockaddr_in address, from, senderAddress;
    int length = sizeof address, fromLength, i;
    char buffer[32];
    say("== datagrams: sendto, recvfrom, FD_READ per datagram");
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(receiver, (struct sockaddr *)&address, sizeof address);
    getsockname(receiver, (struct sockaddr *)&address, &length);
    CALL(WSAEventSelect(receiver, event, FD_READ));
    say("WSAEventSelect FD_READ -> %d", (int)r);
    CALL(sendto(sender, "one", 3, 0, (struct sockaddr *)&address, sizeof address));
    say("sendto -> %d", (int)r);
    CALL(sendto(sender, "two!", 4, 0, (struct sockaddr *)&address, sizeof address));
    say("sendto -> %d", (int)r);
    length = sizeof senderAddress;
    getsockname(sender, (struct sockaddr *)&senderAddress, &length);
    for (i = 0; i < 3; i++) {
        r = WSAWaitForMultipleEvents(1, &event, FALSE, i < 2 ? 5000 : 50, FALSE);
        if (r == WSA_WAIT_TIMEOUT) {
            say("wait -> timeout");
            break;
        }
        WSAEnumNetworkEvents(receiver, event, &happened);
        say("wait -> %lu, events 0x%lx", (unsigned long)r, (unsigned long)happened.lNetworkEvents);
        fromLength = sizeof from;
        CALL(recvfrom(receiver, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &fromLength));
        say("recvfrom -> %d \"%.*s\" from the sender %d, length %d", (int)r, (int)(r > 0 ? r : 0), buffer,
            from.sin_port == senderAddress.sin_port && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), fromLength);
    }
    fromLength = 2;
    CALL(recvfrom(receiver, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &fromLength));
    say("recvfrom, nothing queued -> %d error %lu", (int)r, err);
    closesocket(receiver);
    closesocket(sender);
    WSACloseEvent(event);
}

static void host_and_thread_messages(void)
{
    struct hostent *host;
    MSG msg;
    say("== gethostbyname, PostThreadMessage");
    host = gethostbyname("localhost");
    if (host) {
        struct in_addr first;
        memcpy(&first, host->h_addr_list[0], sizeof first);
        say("gethostbyname localhost -> addrtype %d length %d first %s", host->h_addrtype, host->h_length, inet_ntoa(first));
    } else {
        say("gethostbyname localhost -> NULL error %d", WSAGetLastError());
    }
    CALL(gethostbyname("no-such-host.invalid"));
    say("gethostbyname no-such-host.invalid -> %s error %lu", r ? "hostent" : "NULL", err);
    CALL(PostThreadMessageA(GetCurrentThreadId(), WM_USER + 30, 30, 0));
    say("PostThreadMessageA own thread -> %d", (int)r);
    r = PeekMessageA(&msg, (HWND)-1, 0, 0, PM_REMOVE);
    say("PeekMessage hwnd -1 -> %d msg %d wParam %d", (int)r, (int)(msg.message - WM_USER), (int)msg.wParam);
    /* Not the error: the documentation says ERROR_INVALID_THREAD_ID (EventSelect), Wine sets
     * ERROR_INVALID_PARAMETER for a thread that does not exist. */
    CALL(PostThreadMessageA(0x7ffffff0, WM_USER, 0, 0));
    say("PostThreadMessageA unknown thread -> %d", (int)r);
}

static UINT_PTR thread_timer;

static void CALLBACK timer_procedure(HWND hwnd, UINT message, UINT_PTR id, DWORD time)
{
    (void)time;
    say("TIMERPROC: hwnd %s, WM_TIMER %d, id matches %d", hwnd ? "window" : "NULL", message == WM_TIMER, id == thread_timer);
}

static void timers(void)
{
    MSG msg;
    DWORD start, elapsed;
    say("== timers");
    start = GetTickCount();
    r = SetTimer(window, 7, 50, NULL);
    say("SetTimer window id 7 -> %d", (int)r);
    r = GetMessageA(&msg, NULL, 0, 0);
    elapsed = GetTickCount() - start;
    say("GetMessage -> %d WM_TIMER %d wParam %d hwnd %s, 40 ms or more later %d", (int)r, msg.message == WM_TIMER, (int)msg.wParam,
        msg.hwnd == window ? "window" : "other", elapsed >= 40);
    r = KillTimer(window, 7);
    r3 = KillTimer(window, 7);
    say("KillTimer -> %d, again -> %d", (int)r, (int)r3);
    r = PeekMessageA(&msg, NULL, 0, 0, PM_REMOVE);
    say("PeekMessage after KillTimer -> %d", (int)r);
    thread_timer = SetTimer(NULL, 0, 30, timer_procedure);
    say("SetTimer thread timer -> %s", thread_timer ? "id" : "0");
    r = MsgWaitForMultipleObjects(0, NULL, FALSE, 5000, QS_TIMER);
    say("MsgWaitForMultipleObjects QS_TIMER -> %lu", (unsigned long)r);
    r = GetMessageA(&msg, NULL, 0, 0);
    say("GetMessage -> %d WM_TIMER %d hwnd %s wParam matches %d", (int)r, msg.message == WM_TIMER, msg.hwnd ? "window" : "NULL",
        msg.wParam == thread_timer);
    DispatchMessageA(&msg);
    r = KillTimer(NULL, thread_timer);
    say("KillTimer thread timer -> %d", (int)r);
}

static HANDLE go;

static DWORD WINAPI worker(LPVOID parameter)
{
    /* Waits for the main thread's go, then posts to its window: GetMessage there must wake. */
    if (WaitForSingleObject(go, 5000) != WAIT_OBJECT_0) return 1;
    PostMessageA((HWND)parameter, WM_USER + 40, 40, 0);
    return 42;
}

static void threads(void)
{
    HANDLE thread;
    DWORD id = 0, code = 0;
    MSG msg;
    say("== threads");
    go = CreateEventA(NULL, TRUE, FALSE, NULL);
    thread = CreateThread(NULL, 0, worker, window, 0, &id);
    say("CreateThread -> %s, id %s", thread ? "handle" : "NULL", id != 0 && id != GetCurrentThreadId() ? "set" : "wrong");
    GetExitCodeThread(thread, &code);
    say("GetExitCodeThread while waiting -> %lu", (unsigned long)code);
    SetEvent(go);
    r = GetMessageA(&msg, NULL, 0, 0);
    say("GetMessage (posted by the worker) -> %d msg %d wParam %d", (int)r, (int)(msg.message - WM_USER), (int)msg.wParam);
    r = WaitForSingleObject(thread, 5000);
    GetExitCodeThread(thread, &code);
    say("WaitForSingleObject(thread) -> %lu, exit code %lu", (unsigned long)r, (unsigned long)code);
    say("CloseHandle(thread) -> %d", CloseHandle(thread));
    CloseHandle(go);
}

static LRESULT CALLBACK wide_procedure(HWND hwnd, UINT message, WPARAM wParam, LPARAM lParam)
{
    if (message == WM_USER + 20) return (LRESULT)(wParam * 2);
    return DefWindowProcW(hwnd, message, wParam, lParam);
}

static void wide_calls(void)
{
    WNDCLASSW wc;
    HWND wide;
    WSAPROTOCOL_INFOW info;
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), copy;
    HANDLE event;
    say("== wide (W) calls");
    memset(&wc, 0, sizeof wc);
    wc.lpfnWndProc = wide_procedure;
    wc.lpszClassName = L"WideWindow";
    CALL(RegisterClassW(&wc));
    say("RegisterClassW -> %s", r ? "atom" : "0");
    wide = CreateWindowExW(0, L"widewindow", L"wide", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    say("CreateWindowExW -> %s", wide ? "hwnd" : "NULL");
    PostMessageW(wide, WM_USER + 20, 21, 0);
    {
        MSG msg;
        r = GetMessageW(&msg, wide, 0, 0);
        r2 = DispatchMessageW(&msg);
        say("GetMessageW -> %d, DispatchMessageW -> %d", (int)r, (int)r2);
    }
    say("DestroyWindow -> %d", DestroyWindow(wide));
    event = CreateEventW(NULL, TRUE, TRUE, NULL);
    r = WaitForSingleObject(event, 0);
    say("CreateEventW set -> wait %lu", (unsigned long)r);
    CloseHandle(event);
    memset(&info, 0, sizeof info);
    CALL(WSADuplicateSocketW(s, GetCurrentProcessId(), &info));
    say("WSADuplicateSocketW -> %d iAddressFamily %d iSocketType %d iProtocol %d", (int)r, info.iAddressFamily, info.iSocketType,
        info.iProtocol);
    copy = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, 0);
    say("WSASocketW(FROM_PROTOCOL_INFO) -> %s", copy == INVALID_SOCKET ? "INVALID_SOCKET" : "socket");
    closesocket(copy);
    closesocket(s);
}

int main(void)
{
    WSADATA data;
    CALL(socket(AF_INET, SOCK_STREAM, 0));
    say("socket before WSAStartup -> %s error %lu", (SOCKET)r == INVALID_SOCKET ? "INVALID_SOCKET" : "socket", err);
    r = WSAStartup(MAKEWORD(2, 2), &data);
    say("WSAStartup(2.2) -> %d version 0x%04x high 0x%04x", (int)r, data.wVersion, data.wHighVersion);
    windows_and_messages();
    events_and_waits();
    options_and_addresses();
    errors_and_shared_sockets();
    wide_calls();
    datagrams();
    host_and_thread_messages();
    timers();
    threads();
    r = DestroyWindow(window);
    say("DestroyWindow -> %d, WM_DESTROY seen %d, IsWindow %d", (int)r, destroyed, IsWindow(window));
    r = WSACleanup();
    CALL(WSACleanup());
    say("WSACleanup -> 0, again -> %d error %lu", (int)r, err);
    return 0;
}
