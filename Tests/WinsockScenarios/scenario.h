/*
 * Shared harness of the Winsock conformance scenarios.
 *
 * Every scenario is one C program written against the Winsock API only, built twice: with
 * x86_64-w64-mingw32-gcc (run under Wine) and with gcc against EventSelect's compat headers
 * and library. It prints a canonical trace: what each call returned (Winsock error names, never
 * handle values or ports), what each bounded wait saw, the events WSAEnumNetworkEvents
 * enumerated with their error codes, and the messages WSAAsyncSelect posted, in order.
 * scripts/test-winsock.sh compares both traces with Tests/WinsockScenarios/expected/NAME.txt,
 * which follows Windows; NAME.wine.txt, where present, is a deviation of Wine's that Wine's own
 * tests mark todo_wine (the scenario's comment names the test).
 *
 * Waits are bounded: an expected event is awaited for up to EXPECT_MS; "nothing arrives" is
 * proved by waiting QUIET_MS (the way Wine's tests do it) -- never a sleep standing in for an
 * event that must arrive.
 *
 * Two processes (shared sockets): the program starts a second copy of itself with system()
 * (standard C, so no CreateProcess is needed) on a helper thread; the copy connects back to a
 * control socket given on its command line, and both sides step in lock-step over it, the
 * WSAPROTOCOL_INFO travelling over that socket as plain bytes.
 */
#ifndef EVENTSELECT_SCENARIO_H
#define EVENTSELECT_SCENARIO_H

#pragma GCC diagnostic ignored "-Wunused-function"

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT_MS 3000
#define QUIET_MS 150
#define MSG_SOCK (WM_USER + 1)

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static const char *wsa_name(int code)
{
    static char other[32];
    switch (code) {
    case 0: return "0";
    case WSAEINTR: return "WSAEINTR";
    case WSAEBADF: return "WSAEBADF";
    case WSAEACCES: return "WSAEACCES";
    case WSAEFAULT: return "WSAEFAULT";
    case WSAEINVAL: return "WSAEINVAL";
    case WSAEMFILE: return "WSAEMFILE";
    case WSAEWOULDBLOCK: return "WSAEWOULDBLOCK";
    case WSAEINPROGRESS: return "WSAEINPROGRESS";
    case WSAEALREADY: return "WSAEALREADY";
    case WSAENOTSOCK: return "WSAENOTSOCK";
    case WSAEDESTADDRREQ: return "WSAEDESTADDRREQ";
    case WSAEMSGSIZE: return "WSAEMSGSIZE";
    case WSAEPROTOTYPE: return "WSAEPROTOTYPE";
    case WSAENOPROTOOPT: return "WSAENOPROTOOPT";
    case WSAEPROTONOSUPPORT: return "WSAEPROTONOSUPPORT";
    case WSAEOPNOTSUPP: return "WSAEOPNOTSUPP";
    case WSAEAFNOSUPPORT: return "WSAEAFNOSUPPORT";
    case WSAEADDRINUSE: return "WSAEADDRINUSE";
    case WSAEADDRNOTAVAIL: return "WSAEADDRNOTAVAIL";
    case WSAENETDOWN: return "WSAENETDOWN";
    case WSAENETUNREACH: return "WSAENETUNREACH";
    case WSAECONNABORTED: return "WSAECONNABORTED";
    case WSAECONNRESET: return "WSAECONNRESET";
    case WSAENOBUFS: return "WSAENOBUFS";
    case WSAEISCONN: return "WSAEISCONN";
    case WSAENOTCONN: return "WSAENOTCONN";
    case WSAESHUTDOWN: return "WSAESHUTDOWN";
    case WSAETIMEDOUT: return "WSAETIMEDOUT";
    case WSAECONNREFUSED: return "WSAECONNREFUSED";
    case WSAEHOSTUNREACH: return "WSAEHOSTUNREACH";
    case WSANOTINITIALISED: return "WSANOTINITIALISED";
    case WSA_INVALID_HANDLE: return "WSA_INVALID_HANDLE";
    case WSA_INVALID_PARAMETER: return "WSA_INVALID_PARAMETER";
    }
    snprintf(other, sizeof other, "error-%d", code);
    return other;
}

/* Event bits in lParam / WSANETWORKEVENTS order, with their names. */
static const struct { long bit; int index; const char *name; } fd_bits[] = {
    { FD_READ, FD_READ_BIT, "READ" },       { FD_WRITE, FD_WRITE_BIT, "WRITE" },
    { FD_OOB, FD_OOB_BIT, "OOB" },          { FD_ACCEPT, FD_ACCEPT_BIT, "ACCEPT" },
    { FD_CONNECT, FD_CONNECT_BIT, "CONNECT" }, { FD_CLOSE, FD_CLOSE_BIT, "CLOSE" },
    { FD_QOS, FD_QOS_BIT, "QOS" },          { FD_GROUP_QOS, FD_GROUP_QOS_BIT, "GROUP_QOS" },
    { FD_ROUTING_INTERFACE_CHANGE, FD_ROUTING_INTERFACE_CHANGE_BIT, "ROUTING_INTERFACE_CHANGE" },
    { FD_ADDRESS_LIST_CHANGE, FD_ADDRESS_LIST_CHANGE_BIT, "ADDRESS_LIST_CHANGE" },
};
#define FD_BIT_COUNT ((int)(sizeof fd_bits / sizeof fd_bits[0]))

static const char *mask_name(long mask)
{
    static char buf[4][160];
    static int slot;
    char *out = buf[slot++ & 3];
    out[0] = 0;
    if (mask == 0) return "0";
    for (int i = 0; i < FD_BIT_COUNT; i++)
        if (mask & fd_bits[i].bit) {
            if (out[0]) strcat(out, "|");
            strcat(out, fd_bits[i].name);
            mask &= ~fd_bits[i].bit;
        }
    if (mask) sprintf(out + strlen(out), "%s0x%lx", out[0] ? "|" : "", (unsigned long)mask);
    return out;
}

/* Socket names, so traces never show handle values. */
static struct { SOCKET s; const char *name; } names[64];
static int name_count;

static SOCKET named(SOCKET s, const char *name)
{
    if (s != INVALID_SOCKET && name_count < 64) {
        names[name_count].s = s;
        names[name_count].name = name;
        name_count++;
    }
    return s;
}

static const char *nm(SOCKET s)
{
    for (int i = name_count - 1; i >= 0; i--)
        if (names[i].s == s) return names[i].name;
    if (s == INVALID_SOCKET) return "INVALID_SOCKET";
    return "unnamed-socket";
}

/* "-> 0" or "-> SOCKET_ERROR WSAEXXX". */
static const char *res(int rc)
{
    static char buf[4][64];
    static int slot;
    char *out = buf[slot++ & 3];
    if (rc == SOCKET_ERROR) snprintf(out, 64, "SOCKET_ERROR %s", wsa_name(WSAGetLastError()));
    else snprintf(out, 64, "%d", rc);
    return out;
}

static void fail(const char *what)
{
    say("FATAL %s: %s", what, wsa_name(WSAGetLastError()));
    exit(2);
}

static void startup(const char *scenario)
{
    WSADATA data;
    if (WSAStartup(MAKEWORD(2, 2), &data) != 0) fail("WSAStartup");
    say("# %s", scenario);
}

static struct sockaddr_in loopback(unsigned short port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return a;
}

static SOCKET tcp_socket(void)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET) fail("socket");
    return s;
}

/* A listening socket on 127.0.0.1 and an ephemeral port; *addr receives its address. */
static SOCKET make_listener(struct sockaddr_in *addr)
{
    SOCKET l = tcp_socket();
    int len = sizeof *addr;
    *addr = loopback(0);
    if (bind(l, (struct sockaddr *)addr, sizeof *addr)) fail("bind");
    if (listen(l, 8)) fail("listen");
    if (getsockname(l, (struct sockaddr *)addr, &len)) fail("getsockname");
    return l;
}

/* A loopback port that nothing listens on: bound, never listening, kept open so nobody
 * else can take it while the scenario runs. */
static SOCKET closed_port(struct sockaddr_in *addr)
{
    SOCKET s = tcp_socket();
    int len = sizeof *addr;
    *addr = loopback(0);
    if (bind(s, (struct sockaddr *)addr, sizeof *addr)) fail("bind");
    if (getsockname(s, (struct sockaddr *)addr, &len)) fail("getsockname");
    return s;
}

/* A connected pair, both blocking: client connected, server accepted. */
static void tcp_pair(SOCKET *client, SOCKET *server)
{
    struct sockaddr_in addr;
    SOCKET l = make_listener(&addr);
    *client = tcp_socket();
    if (connect(*client, (struct sockaddr *)&addr, sizeof addr)) fail("connect");
    *server = accept(l, NULL, NULL);
    if (*server == INVALID_SOCKET) fail("accept");
    closesocket(l);
    named(*client, "client");
    named(*server, "server");
}

/* ---- the two notification modes ---------------------------------------------------------- */

static int message_mode;     /* 0: WSAEventSelect, 1: WSAAsyncSelect */
static WSAEVENT mode_event;
static HWND mode_window;

static LRESULT CALLBACK scenario_wndproc(HWND h, UINT m, WPARAM w, LPARAM l)
{
    return DefWindowProcA(h, m, w, l);
}

static HWND make_window(void)
{
    static int registered;
    if (!registered) {
        WNDCLASSA wc;
        memset(&wc, 0, sizeof wc);
        wc.lpfnWndProc = scenario_wndproc;
        wc.lpszClassName = "EventSelectScenario";
        if (!RegisterClassA(&wc)) { say("FATAL RegisterClassA"); exit(2); }
        registered = 1;
    }
    HWND h = CreateWindowExA(0, "EventSelectScenario", "scenario", 0, 0, 0, 0, 0,
                             HWND_MESSAGE, NULL, NULL, NULL);
    if (!h) { say("FATAL CreateWindowExA"); exit(2); }
    return h;
}

static void mode_begin(int message)
{
    message_mode = message;
    if (message) mode_window = make_window();
    else mode_event = WSACreateEvent();
    say("== %s mode", message ? "message" : "event");
}

static void mode_end(void)
{
    MSG m;
    if (message_mode) {
        while (PeekMessageA(&m, mode_window, 0, 0, PM_REMOVE)) {}
        DestroyWindow(mode_window);
    } else {
        WSACloseEvent(mode_event);
    }
}

/* WSAEventSelect or WSAAsyncSelect, whichever the mode is. */
static int sel(SOCKET s, long mask)
{
    int rc = message_mode ? WSAAsyncSelect(s, mode_window, MSG_SOCK, mask)
                          : WSAEventSelect(s, mode_event, mask);
    say("select %s %s -> %s", nm(s), mask_name(mask), res(rc));
    return rc;
}

static void print_record(SOCKET s, const WSANETWORKEVENTS *ne)
{
    char line[512];
    line[0] = 0;
    for (int i = 0; i < FD_BIT_COUNT; i++)
        if (ne->lNetworkEvents & fd_bits[i].bit)
            sprintf(line + strlen(line), " %s(%s)", fd_bits[i].name,
                    wsa_name(ne->iErrorCode[fd_bits[i].index]));
    long unknown = ne->lNetworkEvents & ~(long)(FD_ALL_EVENTS);
    if (unknown) sprintf(line + strlen(line), " 0x%lx", (unsigned long)unknown);
    say("  enum %s:%s", nm(s), line[0] ? line : " none");
}

/* Waits up to ms for the next posted message on the mode window. */
static int next_message(MSG *m, DWORD ms)
{
    DWORD start = GetTickCount();
    for (;;) {
        if (PeekMessageA(m, mode_window, 0, 0, PM_REMOVE)) return 1;
        DWORD spent = GetTickCount() - start;
        if (spent >= ms) return 0;
        MsgWaitForMultipleObjects(0, NULL, FALSE, ms - spent, QS_ALLINPUT);
    }
}

static void print_message(const MSG *m)
{
    if (m->message == MSG_SOCK)
        say("  msg %s %s(%s)", nm((SOCKET)m->wParam), mask_name(WSAGETSELECTEVENT(m->lParam)),
            wsa_name(WSAGETSELECTERROR(m->lParam)));
    else
        say("  msg other 0x%x wparam=%s lparam=0x%lx", m->message, nm((SOCKET)m->wParam),
            (unsigned long)m->lParam);
}

/*
 * Event mode: waits (EXPECT_MS if n > 0, else QUIET_MS) for the mode event, prints whether it
 * was signaled, then enumerates s (resetting the event). Message mode: waits for up to n
 * messages (EXPECT_MS each), then QUIET_MS for any extra, printing each; n is what the
 * scenario expects, so a missing message costs time, never a wrong trace.
 */
static void check(SOCKET s, int n)
{
    if (!message_mode) {
        DWORD w = WaitForSingleObject(mode_event, n > 0 ? EXPECT_MS : QUIET_MS);
        WSANETWORKEVENTS ne;
        memset(&ne, 0, sizeof ne);
        say("  wait %s", w == WAIT_OBJECT_0 ? "signaled" : w == WAIT_TIMEOUT ? "timeout" : "failed");
        int rc = WSAEnumNetworkEvents(s, mode_event, &ne);
        if (rc) say("  enum %s -> %s", nm(s), res(rc));
        else print_record(s, &ne);
        return;
    }
    MSG m;
    int got = 0;
    while (got < n && next_message(&m, EXPECT_MS)) { print_message(&m); got++; }
    while (next_message(&m, QUIET_MS)) { print_message(&m); got++; }
    if (!got) say("  msg none");
}

/* Like check, but does not enumerate in event mode: only reports the event object's state. */
static void check_signal(int expect)
{
    DWORD w = WaitForSingleObject(mode_event, expect ? EXPECT_MS : QUIET_MS);
    say("  wait %s", w == WAIT_OBJECT_0 ? "signaled" : w == WAIT_TIMEOUT ? "timeout" : "failed");
}

/* Runs body once per mode (event mode first), as Wine's event tests do. */
#define BOTH_MODES(body) do { for (int mode_ = 0; mode_ < 2; mode_++) { mode_begin(mode_); body(); mode_end(); } } while (0)

/* ---- socket helpers that trace ------------------------------------------------------------- */

static int do_send(SOCKET s, const char *data, int len, int flags)
{
    int rc = send(s, data, len, flags);
    say("send %s %d%s -> %s", nm(s), len, flags & MSG_OOB ? " MSG_OOB" : "", res(rc));
    return rc;
}

static int do_recv(SOCKET s, int len, int flags)
{
    char buf[256];
    int rc = recv(s, buf, len, flags);
    char shown[80] = "";
    if (rc > 0 && rc < 40) { shown[0] = ' '; shown[1] = '"'; memcpy(shown + 2, buf, rc); shown[rc + 2] = '"'; shown[rc + 3] = 0; }
    say("recv %s %d%s%s -> %s%s", nm(s), len, flags & MSG_OOB ? " MSG_OOB" : "",
        flags & MSG_PEEK ? " MSG_PEEK" : "", res(rc), shown);
    return rc;
}

static void do_close(SOCKET s)
{
    const char *n = nm(s);
    int rc = closesocket(s);
    say("closesocket %s -> %s", n, res(rc));
}

static void do_shutdown(SOCKET s, int how)
{
    int rc = shutdown(s, how);
    say("shutdown %s %s -> %s", nm(s), how == SD_SEND ? "SD_SEND" : how == SD_RECEIVE ? "SD_RECEIVE" : "SD_BOTH", res(rc));
}

static void close_with_rst(SOCKET s)
{
    struct linger lg = { 1, 0 };
    if (setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof lg)) fail("SO_LINGER");
    say("SO_LINGER {1,0} %s", nm(s));
    do_close(s);
}

static int set_nbio(SOCKET s, u_long on)
{
    int rc = ioctlsocket(s, FIONBIO, &on);
    say("ioctlsocket %s FIONBIO %lu -> %s", nm(s), (unsigned long)on, res(rc));
    return rc;
}

/* Waits (bounded) until s has at least `want` bytes readable (FIONREAD), so a scenario can
 * act on data that is known to have arrived; prints nothing unless the wait fails. */
static void await_bytes(SOCKET s, u_long want)
{
    DWORD start = GetTickCount();
    for (;;) {
        u_long n = 0;
        fd_set r;
        struct timeval tv = { 0, 20000 };
        if (ioctlsocket(s, FIONREAD, &n) == 0 && n >= want) return;
        if (GetTickCount() - start > EXPECT_MS) { say("  (bytes never arrived on %s)", nm(s)); return; }
        FD_ZERO(&r);
        FD_SET(s, &r);
        select(0, &r, NULL, NULL, &tv);
    }
}

/* Sends on non-blocking s until WSAEWOULDBLOCK; returns the number of bytes sent. */
static long fill_send_buffer(SOCKET s)
{
    static char chunk[65536];
    long total = 0;
    for (int i = 0; i < 100000; i++) {
        int rc = send(s, chunk, sizeof chunk, 0);
        if (rc > 0) { total += rc; continue; }
        say("send %s until full -> SOCKET_ERROR %s", nm(s), rc == SOCKET_ERROR ? wsa_name(WSAGetLastError()) : "returned 0");
        return total;
    }
    say("send %s never filled", nm(s));
    return total;
}

/* Reads exactly `total` bytes from s (blocking or not), each read bounded by select. */
static void drain(SOCKET s, long total)
{
    static char buf[65536];
    long got = 0;
    while (got < total) {
        fd_set r;
        struct timeval tv = { EXPECT_MS / 1000, 0 };
        FD_ZERO(&r);
        FD_SET(s, &r);
        if (select(0, &r, NULL, NULL, &tv) != 1) { say("drain %s stalled", nm(s)); return; }
        long want = total - got > (long)sizeof buf ? (long)sizeof buf : total - got;
        int rc = recv(s, buf, (int)want, 0);
        if (rc <= 0) { say("drain %s failed %s", nm(s), res(rc)); return; }
        got += rc;
    }
    say("drain %s all bytes", nm(s));
}

/* ---- the second process (shared sockets) --------------------------------------------------- */

static char child_command[1024];
static pthread_t child_thread;

static void *child_runner(void *arg)
{
    (void)arg;
    int rc = system(child_command);
    (void)rc;
    return NULL;
}

/* Starts `argv0 child PORT` on a helper thread and returns the accepted control connection. */
static SOCKET spawn_child(const char *argv0)
{
    struct sockaddr_in addr;
    SOCKET l = make_listener(&addr);
    snprintf(child_command, sizeof child_command, "\"%s\" child %u", argv0, ntohs(addr.sin_port));
    if (pthread_create(&child_thread, NULL, child_runner, NULL)) { say("FATAL pthread_create"); exit(2); }
    fd_set r;
    struct timeval tv = { 20, 0 };
    FD_ZERO(&r);
    FD_SET(l, &r);
    if (select(0, &r, NULL, NULL, &tv) != 1) { say("FATAL child never connected"); exit(2); }
    SOCKET c = accept(l, NULL, NULL);
    if (c == INVALID_SOCKET) fail("accept control");
    closesocket(l);
    return c;
}

static void join_child(void)
{
    pthread_join(child_thread, NULL);
}

/* In the child: connects to the parent's control port. */
static SOCKET connect_parent(const char *port)
{
    struct sockaddr_in addr = loopback((unsigned short)atoi(port));
    SOCKET c = tcp_socket();
    if (connect(c, (struct sockaddr *)&addr, sizeof addr)) fail("connect control");
    return c;
}

/* Control channel: fixed-size blocks, each read bounded by select (blocking sockets). */
static void ctl_send(SOCKET c, const void *data, int len)
{
    const char *p = data;
    while (len > 0) {
        int rc = send(c, p, len, 0);
        if (rc <= 0) fail("control send");
        p += rc;
        len -= rc;
    }
}

static void ctl_recv(SOCKET c, void *data, int len)
{
    char *p = data;
    while (len > 0) {
        fd_set r;
        struct timeval tv = { 20, 0 };
        FD_ZERO(&r);
        FD_SET(c, &r);
        if (select(0, &r, NULL, NULL, &tv) != 1) { say("FATAL control channel timed out"); exit(2); }
        int rc = recv(c, p, len, 0);
        if (rc <= 0) fail("control recv");
        p += rc;
        len -= rc;
    }
}

/* One-byte step tokens: "I am done with step k, your turn". */
static void ctl_step(SOCKET c, char k) { ctl_send(c, &k, 1); }
static void ctl_wait(SOCKET c, char k)
{
    char got;
    ctl_recv(c, &got, 1);
    if (got != k) { say("FATAL control step %d, expected %d", got, k); exit(2); }
}

/* Parent: receives the child's process id, duplicates s for it and sends the WSAPROTOCOL_INFOA. */
static int share_to_child(SOCKET ctl, SOCKET s)
{
    DWORD pid;
    WSAPROTOCOL_INFOA info;
    memset(&info, 0, sizeof info);
    ctl_recv(ctl, &pid, sizeof pid);
    int rc = WSADuplicateSocketA(s, pid, &info);
    say("WSADuplicateSocketA %s for child -> %s", nm(s), res(rc));
    ctl_send(ctl, &info, sizeof info);
    ctl_wait(ctl, 0);   /* the child has imported it and said so */
    return rc;
}

/* Child: sends its process id, receives the WSAPROTOCOL_INFOA and imports it. */
static SOCKET import_from_parent(SOCKET ctl, const char *name)
{
    DWORD pid = GetCurrentProcessId();
    WSAPROTOCOL_INFOA info;
    ctl_send(ctl, &pid, sizeof pid);
    ctl_recv(ctl, &info, sizeof info);
    SOCKET s = WSASocketA(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, 0);
    say("child: WSASocketA(FROM_PROTOCOL_INFO) -> %s", s == INVALID_SOCKET ? res(SOCKET_ERROR) : "socket");
    ctl_step(ctl, 0);
    return named(s, name);
}

#endif
