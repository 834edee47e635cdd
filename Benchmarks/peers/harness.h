/*
 * harness.h - workload driver shared by the Linux C peers (epoll-lt.c,
 * epoll-oneshot.c, uring-poll.c, libuv.c).  Each peer defines PEER_NAME,
 * includes this header, and implements the backend hooks declared below.
 * Keeping the workloads in one place guarantees every peer runs exactly the
 * same loop; only the readiness mechanism differs.
 *
 * CLI:  prog <W1|W2|W3|W4> <unix|tcp> [count] [iters]
 *   W1  count = round trips per batch            (default 5000)
 *   W2  count = connections (default: 64 and 4096, two lines)
 *       iters = rounds per batch                (default 65536/count, >= 1)
 *   W3  count = select+cancel cycles per batch    (default 20000);
 *       one op (ns_per_op) = one selection call, i.e. half a cycle
 *   W4  count = idle registered sockets, "max" = as many as RLIMIT_NOFILE
 *       allows (default: 10000 and max, two lines)
 *       iters = W1 round trips per batch          (default 5000)
 * Every result is one JSON line on stdout; errors go to stderr, exit 1.
 */
#ifndef EVS_HARNESS_H
#define EVS_HARNESS_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>

#ifndef PEER_NAME
#error "define PEER_NAME before including harness.h"
#endif

#define BATCHES 20
#define WAIT_TIMEOUT_MS 5000
#define MSG_SIZE 64

/* ---- backend hooks (implemented by each peer) ------------------------- */
static void be_init(int max_fds);     /* create the poller                   */
static void be_fini(void);            /* destroy it                          */
static void be_add(int fd);           /* register fd for readability, armed  */
static void be_del(int fd);           /* deregister fd                       */
static void be_flush(void);           /* push queued registrations to kernel */
/* Block (<= WAIT_TIMEOUT_MS, else exit) until at least one event; call
 * on_ready(fd) for each readiness event; return the number dispatched. */
static int be_wait(void);
/* Called by on_ready after the data was consumed: re-enable the event
 * (Winsock re-enables FD_READ on recv).  No-op for level-triggered. */
static void be_rearm(int fd);
/* W3: one "select then cancel" cycle on fd (begin/end bracket the loop). */
static void be_churn_begin(int fd);
static void be_churn_op(int fd);
static void be_churn_end(int fd);

/* ---- harness-provided -------------------------------------------------- */
static void on_ready(int fd);

static void fail(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", PEER_NAME, what, strerror(errno));
    exit(1);
}

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

static uint64_t now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        fail("clock_gettime");
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz);
    if (!p)
        fail("calloc");
    return p;
}

/* ---- sockets ------------------------------------------------------------ */
static int g_tcp;                 /* transport: 0 = AF_UNIX, 1 = TCP loopback */
static int g_listen_fd = -1;
static struct sockaddr_in g_listen_addr;
static int g_max_fds;             /* RLIMIT_NOFILE soft limit after raising  */

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        fail("fcntl(F_GETFL)");
    if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        fail("fcntl(F_SETFL)");
}

static void set_nodelay(int fd)
{
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        fail("setsockopt(TCP_NODELAY)");
}

static void tcp_listen_open(void)
{
    int one = 1;
    socklen_t len = sizeof g_listen_addr;
    g_listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (g_listen_fd < 0)
        fail("socket(listen)");
    if (setsockopt(g_listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
        fail("setsockopt(SO_REUSEADDR)");
    memset(&g_listen_addr, 0, sizeof g_listen_addr);
    g_listen_addr.sin_family = AF_INET;
    g_listen_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_listen_addr.sin_port = 0;
    if (bind(g_listen_fd, (struct sockaddr *)&g_listen_addr, sizeof g_listen_addr) != 0)
        fail("bind(127.0.0.1:0)");
    if (listen(g_listen_fd, 4096) != 0)
        fail("listen");
    if (getsockname(g_listen_fd, (struct sockaddr *)&g_listen_addr, &len) != 0)
        fail("getsockname");
}

/* sv[0] = "client" end, sv[1] = "server" end; both non-blocking. */
static void make_pair(int sv[2])
{
    if (!g_tcp) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
            fail("socketpair(AF_UNIX)");
        return;
    }
    int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c < 0)
        fail("socket(AF_INET)");
    if (connect(c, (struct sockaddr *)&g_listen_addr, sizeof g_listen_addr) != 0)
        fail("connect(127.0.0.1)");
    int s = accept4(g_listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (s < 0)
        fail("accept4");
    set_nonblock(c);
    set_nodelay(c);
    set_nodelay(s);
    sv[0] = c;
    sv[1] = s;
}

static void close_fd(int fd)
{
    if (close(fd) != 0)
        fail("close");
}

static void close_sock(int fd)
{
    if (g_tcp) {
        /* RST instead of FIN: no TIME_WAIT, so repeated runs with thousands
         * of loopback connections never exhaust ephemeral ports. */
        struct linger lg = { 1, 0 };
        if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) != 0)
            fail("setsockopt(SO_LINGER)");
    }
    close_fd(fd);
}

static void write_exact(int fd, const void *buf, size_t n)
{
    ssize_t r = write(fd, buf, n);
    if (r < 0)
        fail("write");
    if ((size_t)r != n)
        failx("short write on fd %d: %zd of %zu", fd, r, n);
}

/* ---- misc ----------------------------------------------------------------- */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double median_u64(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_u64);
    return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

static long rss_bytes(void)
{
    long size, resident;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        fail("fopen(/proc/self/statm)");
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
        failx("cannot parse /proc/self/statm");
    if (fclose(f) != 0)
        fail("fclose");
    return resident * sysconf(_SC_PAGESIZE);
}

static int count_open_fds(void)
{
    int n = 0;
    struct dirent *de;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        fail("opendir(/proc/self/fd)");
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            n++;
    if (closedir(d) != 0)
        fail("closedir");
    return n - 1; /* the directory stream's own fd */
}

static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        fail("getrlimit(RLIMIT_NOFILE)");
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            fail("setrlimit(RLIMIT_NOFILE)");
    }
    g_max_fds = rl.rlim_cur > 1048576 ? 1048576 : (int)rl.rlim_cur;
}

static const char *g_transport_name;

/* ---- syscall counting ------------------------------------------------------
 * This thread's system calls through perf_event_open on raw_syscalls:sys_enter
 * (needs tracefs and root or a permissive perf_event_paranoid).  Results carry
 * "syscalls_per_op" when it works; reading the counter is one read(2), kept
 * outside every timed region. */
static int g_sysfd = -2;
static double g_sys_count;      /* syscalls counted in the measured parts */
static double g_sys_ops;        /* ops they cover */
static double g_cpu_ns = -1;    /* W1/W4: median thread CPU time per op, when measured */

/* This thread's CPU time: a single-threaded ping-pong never sleeps, so on an idle machine this
 * equals its latency, and on a loaded one it leaves out the time other work had the CPU. */
static uint64_t cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        fail("clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static long long sys_now(void)
{
    if (g_sysfd == -2) {
        g_sysfd = -1;
        FILE *f = fopen("/sys/kernel/tracing/events/raw_syscalls/sys_enter/id", "r");
        long id = -1;
        if (f) {
            if (fscanf(f, "%ld", &id) != 1)
                id = -1;
            fclose(f);
        }
        if (id >= 0) {
            struct perf_event_attr attr;
            memset(&attr, 0, sizeof attr);
            attr.type = PERF_TYPE_TRACEPOINT;
            attr.size = sizeof attr;
            attr.config = (unsigned long long)id;
            attr.exclude_hv = 1;
            g_sysfd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
        }
    }
    unsigned long long v;
    if (g_sysfd < 0 || read(g_sysfd, &v, sizeof v) != (ssize_t)sizeof v)
        return -1;
    return (long long)v;
}

/* Adds the syscalls since `before` (one read(2) of the counter excluded) for `ops` ops. */
static void sys_add(long long before, double ops)
{
    long long after = sys_now();
    if (before < 0 || after < 0)
        return;
    g_sys_count += (double)(after - before - 1);
    g_sys_ops += ops;
}

/* One JSON line; negative numbers mean "not applicable" and print as null. */
static void emit(const char *workload, long connections, double ns_per_op,
                 double ops_per_s, double bytes_per_socket, long iterations)
{
    printf("{\"peer\":\"%s\",\"workload\":\"%s\",\"transport\":\"%s\"",
           PEER_NAME, workload, g_transport_name);
    if (connections >= 0) printf(",\"connections\":%ld", connections);
    else printf(",\"connections\":null");
    if (ns_per_op >= 0) printf(",\"ns_per_op\":%.1f", ns_per_op);
    else printf(",\"ns_per_op\":null");
    if (ops_per_s >= 0) printf(",\"ops_per_s\":%.0f", ops_per_s);
    else printf(",\"ops_per_s\":null");
    if (bytes_per_socket >= 0) printf(",\"bytes_per_socket\":%.1f", bytes_per_socket);
    else printf(",\"bytes_per_socket\":null");
    if (g_sys_ops > 0) printf(",\"syscalls_per_op\":%.2f", g_sys_count / g_sys_ops);
    if (g_cpu_ns >= 0) printf(",\"cpu_ns_per_op\":%.1f", g_cpu_ns);
    g_sys_count = g_sys_ops = 0;
    g_cpu_ns = -1;
    printf(",\"iterations\":%ld,\"batches\":%d}\n", iterations, BATCHES);
    if (fflush(stdout) != 0)
        fail("fflush(stdout)");
}

/* ---- readiness dispatch ---------------------------------------------------- */
enum { MODE_NONE, MODE_PINGPONG, MODE_FANIN };
static int g_mode;
static int g_expect_fd = -1;      /* W1/W4: the fd we are waiting on        */
static int g_pp_done;
static long g_fanin_got;          /* W2: complete messages read this round   */
static unsigned char *g_have;     /* W2: bytes of the current message, by fd */

static void on_ready(int fd)
{
    if (g_mode == MODE_PINGPONG) {
        char c[64]; /* one byte is bounced; received into a buffer larger than the message */
        if (fd != g_expect_fd)
            failx("unexpected readiness on fd %d (waiting for %d)", fd, g_expect_fd);
        ssize_t r = read(fd, c, sizeof c);
        if (r < 0)
            fail("read");
        if (r != 1)
            failx("read on fd %d returned %zd (peer closed?)", fd, r);
        be_rearm(fd);
        g_pp_done = 1;
    } else if (g_mode == MODE_FANIN) {
        char buf[MSG_SIZE];
        ssize_t r = read(fd, buf, MSG_SIZE - g_have[fd]);
        if (r < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                fail("read");
        } else if (r == 0) {
            failx("unexpected EOF on fd %d", fd);
        } else {
            g_have[fd] += (unsigned char)r;
            if (g_have[fd] == MSG_SIZE) {
                g_have[fd] = 0;
                g_fanin_got++;
            }
        }
        be_rearm(fd);
    } else {
        failx("readiness on fd %d outside a workload", fd);
    }
}

/* ---- W1: ping-pong --------------------------------------------------------- */
static void wait_pp(int fd)
{
    g_expect_fd = fd;
    g_pp_done = 0;
    for (int guard = 0; !g_pp_done; guard++) {
        if (guard > 1000)
            failx("no progress waiting for fd %d", fd);
        be_wait();
    }
}

static inline void round_trip(int a, int b)
{
    static const char x = 'x';
    write_exact(a, &x, 1);
    wait_pp(b);                /* read + re-arm happen in on_ready */
    write_exact(b, &x, 1);
    wait_pp(a);
}

/* Returns median ns per round trip over BATCHES batches of n. */
static double pingpong(int a, int b, long n)
{
    uint64_t t[BATCHES], c[BATCHES];
    long warm = n < 2000 ? n : 2000;
    g_mode = MODE_PINGPONG;
    for (long i = 0; i < warm; i++)
        round_trip(a, b);
    long long s0 = sys_now();
    for (int k = 0; k < BATCHES; k++) {
        uint64_t c0 = cpu_ns();
        uint64_t t0 = now_ns();
        for (long i = 0; i < n; i++)
            round_trip(a, b);
        t[k] = now_ns() - t0;
        c[k] = cpu_ns() - c0;
    }
    sys_add(s0, (double)BATCHES * (double)n);
    g_cpu_ns = median_u64(c, BATCHES) / (double)n;
    g_mode = MODE_NONE;
    return median_u64(t, BATCHES) / (double)n;
}

static void run_w1(long n)
{
    int sv[2];
    be_init(g_max_fds);
    make_pair(sv);
    be_add(sv[0]);
    be_add(sv[1]);
    be_flush();
    double ns = pingpong(sv[0], sv[1], n);
    be_del(sv[0]);
    be_del(sv[1]);
    be_flush();
    close_sock(sv[0]);
    close_sock(sv[1]);
    be_fini();
    emit("W1", 1, ns, 1e9 / ns, -1, n);
}

/* ---- W2: fan-in ------------------------------------------------------------ */
static void fanin_round(int (*pairs)[2], long c, uint64_t *elapsed, uint64_t *cpu)
{
    static const char msg[MSG_SIZE] = "EventSelect fan-in message, 64 bytes long......................";
    for (long i = 0; i < c; i++)               /* client side: not timed */
        write_exact(pairs[i][0], msg, MSG_SIZE);
    long long s0 = sys_now();
    uint64_t c0 = cpu_ns();
    uint64_t t0 = now_ns();
    g_fanin_got = 0;
    for (long guard = 0; g_fanin_got < c; guard++) {
        if (guard > 100 * c + 1000)
            failx("fan-in: no progress (%ld of %ld)", g_fanin_got, c);
        be_wait();
    }
    *elapsed += now_ns() - t0;
    *cpu += cpu_ns() - c0;
    sys_add(s0, (double)c);
}

static void run_w2(long c, long rounds)
{
    uint64_t t[BATCHES];
    if (2 * c + 64 > g_max_fds)
        failx("W2: %ld connections need %ld fds, RLIMIT_NOFILE is %d", c, 2 * c + 64, g_max_fds);
    if (rounds <= 0)
        rounds = 65536 / c > 0 ? 65536 / c : 1;
    int (*pairs)[2] = xcalloc((size_t)c, sizeof *pairs);
    g_have = xcalloc((size_t)g_max_fds, 1);
    be_init(g_max_fds);
    for (long i = 0; i < c; i++) {
        make_pair(pairs[i]);
        be_add(pairs[i][1]);
    }
    be_flush();
    g_mode = MODE_FANIN;
    uint64_t warm = 0, warm_cpu = 0, cpu[BATCHES];
    fanin_round(pairs, c, &warm, &warm_cpu);
    g_sys_count = g_sys_ops = 0; /* the warm-up round is not measured */
    for (int k = 0; k < BATCHES; k++) {
        t[k] = 0;
        cpu[k] = 0;
        for (long r = 0; r < rounds; r++)
            fanin_round(pairs, c, &t[k], &cpu[k]);
    }
    g_mode = MODE_NONE;
    for (long i = 0; i < c; i++)
        be_del(pairs[i][1]);
    be_flush();
    for (long i = 0; i < c; i++) {
        close_sock(pairs[i][0]);
        close_sock(pairs[i][1]);
    }
    be_fini();
    free(pairs);
    free(g_have);
    g_have = NULL;
    double ns_per_batch = median_u64(t, BATCHES);
    double msgs = (double)c * (double)rounds;
    g_cpu_ns = median_u64(cpu, BATCHES) / msgs;
    emit("W2", c, ns_per_batch / msgs, msgs * 1e9 / ns_per_batch, -1, (long)msgs);
}

/* ---- W3: registration churn ------------------------------------------------- */
static void run_w3(long n)
{
    uint64_t t[BATCHES], cpu[BATCHES];
    int sv[2];
    be_init(g_max_fds);
    make_pair(sv);
    be_churn_begin(sv[1]);
    long warm = n < 2000 ? n : 2000;
    for (long i = 0; i < warm; i++)
        be_churn_op(sv[1]);
    long long s0 = sys_now();
    for (int k = 0; k < BATCHES; k++) {
        uint64_t c0 = cpu_ns();
        uint64_t t0 = now_ns();
        for (long i = 0; i < n; i++)
            be_churn_op(sv[1]);
        t[k] = now_ns() - t0;
        cpu[k] = cpu_ns() - c0;
    }
    /* one op = one selection call; be_churn_op does a select and a cancel */
    sys_add(s0, 2.0 * (double)BATCHES * (double)n);
    be_churn_end(sv[1]);
    close_sock(sv[0]);
    close_sock(sv[1]);
    be_fini();
    /* One op = one selection call (a select or a cancel), as EventSelect's W3 counts it: each
     * be_churn_op is two. */
    double ns = median_u64(t, BATCHES) / (2.0 * (double)n);
    g_cpu_ns = median_u64(cpu, BATCHES) / (2.0 * (double)n);
    emit("W3", 1, ns, 1e9 / ns, -1, 2 * n);
}

/* ---- W4: idle scaling ------------------------------------------------------- */
static void run_w4(long idle, long n)
{
    int act[2];
    be_init(g_max_fds);
    /* fds left = limit - open now - active pair - slack for the backend */
    long avail = (long)g_max_fds - count_open_fds() - 2 - 16;
    if (idle <= 0)
        idle = avail;
    idle &= ~1L;                               /* idle sockets come in pairs */
    if (idle > avail)
        failx("W4: %ld idle sockets requested, only %ld fds available (RLIMIT_NOFILE %d)",
              idle, avail, g_max_fds);
    long npairs = idle / 2;
    int (*pairs)[2] = xcalloc((size_t)npairs, sizeof *pairs);
    for (long i = 0; i < npairs; i++)
        make_pair(pairs[i]);
    make_pair(act);
    be_add(act[0]);
    be_add(act[1]);
    be_flush();
    long rss0 = rss_bytes();
    for (long i = 0; i < npairs; i++) {
        be_add(pairs[i][0]);
        be_add(pairs[i][1]);
    }
    be_flush();
    long rss1 = rss_bytes();
    double ns = pingpong(act[0], act[1], n);
    for (long i = 0; i < npairs; i++) {
        be_del(pairs[i][0]);
        be_del(pairs[i][1]);
    }
    be_del(act[0]);
    be_del(act[1]);
    be_flush();
    for (long i = 0; i < npairs; i++) {
        close_sock(pairs[i][0]);
        close_sock(pairs[i][1]);
    }
    close_sock(act[0]);
    close_sock(act[1]);
    be_fini();
    free(pairs);
    emit("W4", idle, ns, 1e9 / ns, (double)(rss1 - rss0) / (double)idle, n);
}

/* Each W4 measurement runs in a fresh child process: memory freed by an
 * earlier run would otherwise be reused and hide the RSS growth. */
static void run_w4_fresh(long idle, long n)
{
    if (fflush(stdout) != 0)
        fail("fflush(stdout)");
    pid_t pid = fork();
    if (pid < 0)
        fail("fork");
    if (pid == 0) {
        run_w4(idle, n);
        if (g_listen_fd >= 0)
            close_fd(g_listen_fd);
        exit(0);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            fail("waitpid");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        failx("W4 child (idle=%ld) failed (status 0x%x)", idle, st);
}

/* ---- main -------------------------------------------------------------------- */
static long parse_count(const char *s, const char *what)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v <= 0 || v > 100000000)
        failx("bad %s '%s' (positive integer expected)", what, s);
    return v;
}

static void usage(void)
{
    fprintf(stderr, "usage: %s <W1|W2|W3|W4> <unix|tcp> [count|max] [iters]\n", PEER_NAME);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5)
        usage();
    const char *w = argv[1];
    if (strcmp(argv[2], "unix") == 0)
        g_tcp = 0;
    else if (strcmp(argv[2], "tcp") == 0)
        g_tcp = 1;
    else
        usage();
    g_transport_name = argv[2];
    raise_nofile();
    if (g_tcp)
        tcp_listen_open();
    const char *cnt = argc > 3 ? argv[3] : NULL;
    long iters = argc > 4 ? parse_count(argv[4], "iters") : 0;

    if (strcmp(w, "W1") == 0) {
        run_w1(cnt ? parse_count(cnt, "count") : 5000);
    } else if (strcmp(w, "W2") == 0) {
        if (cnt) {
            run_w2(parse_count(cnt, "count"), iters);
        } else {
            run_w2(64, iters);
            run_w2(4096, iters);
        }
    } else if (strcmp(w, "W3") == 0) {
        run_w3(cnt ? parse_count(cnt, "count") : 20000);
    } else if (strcmp(w, "W4") == 0) {
        long n = iters ? iters : 5000;
        if (!cnt) {
            run_w4_fresh(10000, n);
            run_w4_fresh(0, n);
        } else if (strcmp(cnt, "max") == 0) {
            run_w4_fresh(0, n);
        } else {
            run_w4_fresh(parse_count(cnt, "count"), n);
        }
    } else {
        usage();
    }
    if (g_listen_fd >= 0)
        close_fd(g_listen_fd);
    return 0;
}

#endif /* EVS_HARNESS_H */
