/*
 * wine-wsaeventselect.c - the real Winsock API, run under Wine.
 *
 * Build: x86_64-w64-mingw32-gcc -O2 wine-wsaeventselect.c -o wine-wsaeventselect.exe -lws2_32
 * Run:   WINEDEBUG=-all wine wine-wsaeventselect.exe <W1|W2|W3> tcp [count] [iters]
 *
 * TCP loopback only (Windows has no socketpair).
 *   W1: WSAEventSelect(FD_READ|FD_CLOSE) on both ends; each wait is
 *       WSAWaitForMultipleEvents(1) + WSAEnumNetworkEvents (resets the event)
 *       + recv (re-enables FD_READ).  count = round trips per batch (100).
 *   W2: count connections (<= 64 = WSA_MAXIMUM_WAIT_EVENTS, default 64);
 *       WSAWaitForMultipleEvents over all events, then WSAEnumNetworkEvents
 *       + recv on every not-yet-complete socket from the signalled index on.
 *       iters = rounds per batch (default 4).
 *   W3: WSAEventSelect(s, ev, FD_READ) + WSAEventSelect(s, NULL, 0) = one op.
 *       count = ops per batch (default 200).
 * Output: one JSON line per result, same schema as the Linux peers.
 */
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <fcntl.h>
#include <io.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEER_NAME "wine-wsaeventselect"
#define BATCHES 20
#define WAIT_TIMEOUT_MS 5000
#define MSG_SIZE 64
#define MAX_CONN WSA_MAXIMUM_WAIT_EVENTS

static SOCKET g_listen = INVALID_SOCKET;
static struct sockaddr_in g_addr;
static double g_tick_ns;

static void failx(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", PEER_NAME);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void wsafail(const char *what)
{
    failx("%s failed: WSA error %d", what, WSAGetLastError());
}

static double now_ns(void)
{
    LARGE_INTEGER t;
    if (!QueryPerformanceCounter(&t))
        failx("QueryPerformanceCounter failed: %lu", GetLastError());
    return (double)t.QuadPart * g_tick_ns;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static void emit(const char *w, long conns, double ns, double ops, long iters)
{
    printf("{\"peer\":\"%s\",\"workload\":\"%s\",\"transport\":\"tcp\",\"connections\":%ld,"
           "\"ns_per_op\":%.1f,\"ops_per_s\":%.0f,\"bytes_per_socket\":null,"
           "\"iterations\":%ld,\"batches\":%d}\n",
           PEER_NAME, w, conns, ns, ops, iters, BATCHES);
    if (fflush(stdout) != 0)
        failx("fflush(stdout) failed");
}

static void listen_open(void)
{
    int len = sizeof g_addr;
    g_listen = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (g_listen == INVALID_SOCKET)
        wsafail("socket(listen)");
    memset(&g_addr, 0, sizeof g_addr);
    g_addr.sin_family = AF_INET;
    g_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(g_listen, (struct sockaddr *)&g_addr, sizeof g_addr) == SOCKET_ERROR)
        wsafail("bind(127.0.0.1:0)");
    if (listen(g_listen, SOMAXCONN) == SOCKET_ERROR)
        wsafail("listen");
    if (getsockname(g_listen, (struct sockaddr *)&g_addr, &len) == SOCKET_ERROR)
        wsafail("getsockname");
}

static void nodelay(SOCKET s)
{
    BOOL one = TRUE;
    if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one) == SOCKET_ERROR)
        wsafail("setsockopt(TCP_NODELAY)");
}

/* sv[0] = client end, sv[1] = accepted server end */
static void make_pair(SOCKET sv[2])
{
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (c == INVALID_SOCKET)
        wsafail("socket");
    if (connect(c, (struct sockaddr *)&g_addr, sizeof g_addr) == SOCKET_ERROR)
        wsafail("connect(127.0.0.1)");
    SOCKET s = accept(g_listen, NULL, NULL);
    if (s == INVALID_SOCKET)
        wsafail("accept");
    nodelay(c);
    nodelay(s);
    sv[0] = c;
    sv[1] = s;
}

static void close_sock(SOCKET s)
{
    struct linger lg = { 1, 0 };   /* RST: no TIME_WAIT left behind */
    if (setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof lg) == SOCKET_ERROR)
        wsafail("setsockopt(SO_LINGER)");
    if (closesocket(s) == SOCKET_ERROR)
        wsafail("closesocket");
}

static WSAEVENT new_event(void)
{
    WSAEVENT ev = WSACreateEvent();
    if (ev == WSA_INVALID_EVENT)
        wsafail("WSACreateEvent");
    return ev;
}

static void close_event(WSAEVENT ev)
{
    if (!WSACloseEvent(ev))
        wsafail("WSACloseEvent");
}

static void select_read(SOCKET s, WSAEVENT ev)
{
    if (WSAEventSelect(s, ev, FD_READ | FD_CLOSE) == SOCKET_ERROR)
        wsafail("WSAEventSelect(FD_READ|FD_CLOSE)");
}

static void send_exact(SOCKET s, const char *buf, int n)
{
    int r = send(s, buf, n, 0);
    if (r == SOCKET_ERROR)
        wsafail("send");
    if (r != n)
        failx("short send: %d of %d", r, n);
}

/* Check an enumerated event set; returns 1 if FD_READ is reported. */
static int check_events(const WSANETWORKEVENTS *ne)
{
    if (ne->lNetworkEvents & FD_CLOSE)
        failx("unexpected FD_CLOSE (error %d)", ne->iErrorCode[FD_CLOSE_BIT]);
    if (!(ne->lNetworkEvents & FD_READ))
        return 0;
    if (ne->iErrorCode[FD_READ_BIT] != 0)
        failx("FD_READ error %d", ne->iErrorCode[FD_READ_BIT]);
    return 1;
}

/* ---- W1 ---------------------------------------------------------------- */
static void wait_read(SOCKET s, WSAEVENT ev)
{
    for (int guard = 0;; guard++) {
        WSANETWORKEVENTS ne;
        if (guard > 1000)
            failx("no FD_READ after 1000 wakeups");
        DWORD r = WSAWaitForMultipleEvents(1, &ev, FALSE, WAIT_TIMEOUT_MS, FALSE);
        if (r == WSA_WAIT_TIMEOUT)
            failx("WSAWaitForMultipleEvents: no event within %d ms", WAIT_TIMEOUT_MS);
        if (r != WSA_WAIT_EVENT_0)
            wsafail("WSAWaitForMultipleEvents");
        if (WSAEnumNetworkEvents(s, ev, &ne) == SOCKET_ERROR)
            wsafail("WSAEnumNetworkEvents");
        if (check_events(&ne))
            return;
    }
}

static void recv_one(SOCKET s)
{
    char c[64]; /* one byte is bounced; received into a buffer larger than the message */
    int r = recv(s, c, sizeof c, 0);
    if (r == SOCKET_ERROR)
        wsafail("recv");
    if (r != 1)
        failx("recv returned %d (peer closed?)", r);
}

static void round_trip(SOCKET a, WSAEVENT ea, SOCKET b, WSAEVENT eb)
{
    send_exact(a, "x", 1);
    wait_read(b, eb);
    recv_one(b);
    send_exact(b, "x", 1);
    wait_read(a, ea);
    recv_one(a);
}

static void run_w1(long n)
{
    SOCKET sv[2];
    double t[BATCHES];
    make_pair(sv);
    WSAEVENT ea = new_event(), eb = new_event();
    select_read(sv[0], ea);
    select_read(sv[1], eb);
    long warm = n < 100 ? n : 100;
    for (long i = 0; i < warm; i++)
        round_trip(sv[0], ea, sv[1], eb);
    for (int k = 0; k < BATCHES; k++) {
        double t0 = now_ns();
        for (long i = 0; i < n; i++)
            round_trip(sv[0], ea, sv[1], eb);
        t[k] = now_ns() - t0;
    }
    close_sock(sv[0]);
    close_sock(sv[1]);
    close_event(ea);
    close_event(eb);
    double ns = median(t, BATCHES) / (double)n;
    emit("W1", 1, ns, 1e9 / ns, n);
}

/* ---- W2 ---------------------------------------------------------------- */
static SOCKET g_cli[MAX_CONN], g_srv[MAX_CONN];
static WSAEVENT g_ev[MAX_CONN];
static int g_have[MAX_CONN];
static char g_done[MAX_CONN];

static double fanin_round(long c)
{
    static const char msg[MSG_SIZE] = "EventSelect fan-in message, 64 bytes long......................";
    long got = 0;
    for (long i = 0; i < c; i++) {          /* client side: not timed */
        send_exact(g_cli[i], msg, MSG_SIZE);
        g_done[i] = 0;
    }
    double t0 = now_ns();
    for (long guard = 0; got < c; guard++) {
        if (guard > 100 * c + 1000)
            failx("fan-in: no progress (%ld of %ld)", got, c);
        DWORD r = WSAWaitForMultipleEvents((DWORD)c, g_ev, FALSE, WAIT_TIMEOUT_MS, FALSE);
        if (r == WSA_WAIT_TIMEOUT)
            failx("WSAWaitForMultipleEvents: no event within %d ms", WAIT_TIMEOUT_MS);
        if (r >= WSA_WAIT_EVENT_0 + (DWORD)c)
            wsafail("WSAWaitForMultipleEvents");
        for (long i = (long)(r - WSA_WAIT_EVENT_0); i < c; i++) {
            WSANETWORKEVENTS ne;
            char buf[MSG_SIZE];
            if (g_done[i])
                continue;
            if (WSAEnumNetworkEvents(g_srv[i], g_ev[i], &ne) == SOCKET_ERROR)
                wsafail("WSAEnumNetworkEvents");
            if (!check_events(&ne))
                continue;
            int n = recv(g_srv[i], buf, MSG_SIZE - g_have[i], 0);
            if (n == SOCKET_ERROR) {
                if (WSAGetLastError() != WSAEWOULDBLOCK)
                    wsafail("recv");
                continue;
            }
            if (n == 0)
                failx("unexpected EOF on connection %ld", i);
            g_have[i] += n;
            if (g_have[i] == MSG_SIZE) {
                g_have[i] = 0;
                g_done[i] = 1;
                got++;
            }
        }
    }
    return now_ns() - t0;
}

static void run_w2(long c, long rounds)
{
    double t[BATCHES];
    if (c > MAX_CONN)
        failx("W2: at most %d connections (WSA_MAXIMUM_WAIT_EVENTS)", MAX_CONN);
    if (rounds <= 0)
        rounds = 4;
    for (long i = 0; i < c; i++) {
        SOCKET sv[2];
        make_pair(sv);
        g_cli[i] = sv[0];
        g_srv[i] = sv[1];
        g_ev[i] = new_event();
        g_have[i] = 0;
        select_read(g_srv[i], g_ev[i]);
    }
    fanin_round(c);
    for (int k = 0; k < BATCHES; k++) {
        t[k] = 0;
        for (long r = 0; r < rounds; r++)
            t[k] += fanin_round(c);
    }
    for (long i = 0; i < c; i++) {
        close_sock(g_cli[i]);
        close_sock(g_srv[i]);
        close_event(g_ev[i]);
    }
    double msgs = (double)c * (double)rounds;
    double per_batch = median(t, BATCHES);
    emit("W2", c, per_batch / msgs, msgs * 1e9 / per_batch, (long)msgs);
}

/* ---- W3 ---------------------------------------------------------------- */
static void run_w3(long n)
{
    SOCKET sv[2];
    double t[BATCHES];
    make_pair(sv);
    WSAEVENT ev = new_event();
    long warm = n < 100 ? n : 100;
    for (int k = -1; k < BATCHES; k++) {
        long ops = k < 0 ? warm : n;
        double t0 = now_ns();
        for (long i = 0; i < ops; i++) {
            if (WSAEventSelect(sv[1], ev, FD_READ) == SOCKET_ERROR)
                wsafail("WSAEventSelect(select)");
            if (WSAEventSelect(sv[1], NULL, 0) == SOCKET_ERROR)
                wsafail("WSAEventSelect(cancel)");
        }
        if (k >= 0)
            t[k] = now_ns() - t0;
    }
    close_sock(sv[0]);
    close_sock(sv[1]);
    close_event(ev);
    double ns = median(t, BATCHES) / (double)n;
    emit("W3", 1, ns, 1e9 / ns, n);
}

/* ---- main ---------------------------------------------------------------- */
static long parse_count(const char *s, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v <= 0 || v > 100000000)
        failx("bad %s '%s' (positive integer expected)", what, s);
    return v;
}

int main(int argc, char **argv)
{
    WSADATA wsa;
    LARGE_INTEGER f;
    _setmode(_fileno(stdout), _O_BINARY);   /* "\n", not "\r\n" */
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: %s <W1|W2|W3> tcp [count] [iters]\n", PEER_NAME);
        return 2;
    }
    if (strcmp(argv[2], "tcp") != 0) {
        fprintf(stderr, "%s: transport '%s' unsupported (Winsock has no socketpair; use tcp)\n",
                PEER_NAME, argv[2]);
        return 2;
    }
    if (!QueryPerformanceFrequency(&f) || f.QuadPart <= 0)
        failx("QueryPerformanceFrequency failed");
    g_tick_ns = 1e9 / (double)f.QuadPart;
    int err = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (err != 0)
        failx("WSAStartup failed: %d", err);
    listen_open();
    long cnt = argc > 3 ? parse_count(argv[3], "count") : 0;
    long iters = argc > 4 ? parse_count(argv[4], "iters") : 0;
    if (strcmp(argv[1], "W1") == 0)
        run_w1(cnt ? cnt : 100);
    else if (strcmp(argv[1], "W2") == 0)
        run_w2(cnt ? cnt : MAX_CONN, iters);
    else if (strcmp(argv[1], "W3") == 0)
        run_w3(cnt ? cnt : 200);
    else {
        fprintf(stderr, "%s: workload '%s' unsupported (W1, W2, W3)\n", PEER_NAME, argv[1]);
        return 2;
    }
    if (closesocket(g_listen) == SOCKET_ERROR)
        wsafail("closesocket(listen)");
    if (WSACleanup() != 0)
        wsafail("WSACleanup");
    return 0;
}
