/*
 * libuv.c - libuv uv_poll_t watchers (epoll underneath on Linux).
 *
 * Readiness arrives as uv_poll callbacks from uv_run(UV_RUN_ONCE); the
 * callback reads the socket (harness on_ready).  uv_poll is level-triggered
 * and persistent, so nothing is re-armed after a read.  A 1 s repeating
 * watchdog timer keeps every uv_run() call bounded (it never fires during a
 * healthy measurement; it only makes the loop's timeout finite).
 *
 * libuv applies registrations lazily: uv_poll_start() only queues the
 * watcher and the EPOLL_CTL_ADD happens inside the next loop iteration,
 * while uv_poll_stop() does EPOLL_CTL_DEL immediately.  So W3 churn is
 * uv_poll_start + uv_run(UV_RUN_NOWAIT) + uv_poll_stop; without the loop
 * turn the "select" would never reach the kernel.
 */
#define PEER_NAME "libuv"
#include "harness.h"
#include <uv.h>

static uv_loop_t g_loop;
static uv_timer_t g_watchdog;
static uv_poll_t **g_handles;    /* by fd */
static int g_max;
static int g_dispatched;

static void uv_check(int r, const char *what)
{
    if (r < 0)
        failx("%s: %s", what, uv_strerror(r));
}

static void watchdog_cb(uv_timer_t *t) { (void)t; }

static void be_init(int max_fds)
{
    uv_check(uv_loop_init(&g_loop), "uv_loop_init");
    uv_check(uv_timer_init(&g_loop, &g_watchdog), "uv_timer_init");
    uv_check(uv_timer_start(&g_watchdog, watchdog_cb, 1000, 1000), "uv_timer_start");
    g_max = max_fds;
    g_handles = xcalloc((size_t)max_fds, sizeof *g_handles);
}

static void close_cb(uv_handle_t *h)
{
    if (h != (uv_handle_t *)&g_watchdog)
        free(h);
}

static void be_fini(void)
{
    for (int fd = 0; fd < g_max; fd++)
        if (g_handles[fd])
            failx("be_fini: fd %d still registered", fd);
    uv_check(uv_timer_stop(&g_watchdog), "uv_timer_stop");
    uv_close((uv_handle_t *)&g_watchdog, close_cb);
    /* run until the close callbacks have fired; bounded */
    for (int i = 0; i < 100 && uv_loop_alive(&g_loop); i++)
        uv_run(&g_loop, UV_RUN_NOWAIT);
    uv_check(uv_loop_close(&g_loop), "uv_loop_close");
    free(g_handles);
    g_handles = NULL;
}

static void poll_cb(uv_poll_t *h, int status, int events)
{
    uv_check(status, "uv_poll callback");
    if (!(events & UV_READABLE))
        failx("uv_poll callback without UV_READABLE (events 0x%x)", events);
    g_dispatched++;
    on_ready((int)(intptr_t)h->data);
}

static void be_add(int fd)
{
    if (fd < 0 || fd >= g_max)
        failx("fd %d out of range", fd);
    if (g_handles[fd])
        failx("fd %d already registered", fd);
    uv_poll_t *h = malloc(sizeof *h);
    if (!h)
        fail("malloc(uv_poll_t)");
    uv_check(uv_poll_init(&g_loop, h, fd), "uv_poll_init");
    h->data = (void *)(intptr_t)fd;
    uv_check(uv_poll_start(h, UV_READABLE, poll_cb), "uv_poll_start");
    g_handles[fd] = h;
}

static void be_del(int fd)
{
    uv_poll_t *h = g_handles[fd];
    if (!h)
        failx("fd %d not registered", fd);
    uv_check(uv_poll_stop(h), "uv_poll_stop");
    uv_close((uv_handle_t *)h, close_cb);   /* freed in close_cb */
    g_handles[fd] = NULL;
}

/* One non-blocking loop turn: applies queued epoll_ctl changes and runs
 * pending close callbacks. */
static void be_flush(void)
{
    uv_run(&g_loop, UV_RUN_NOWAIT);
}

static int be_wait(void)
{
    uint64_t t0 = now_ns();
    g_dispatched = 0;
    while (g_dispatched == 0) {
        uv_run(&g_loop, UV_RUN_ONCE);
        if (g_dispatched == 0 && now_ns() - t0 > (uint64_t)WAIT_TIMEOUT_MS * 1000000ull)
            failx("uv_run: no event within %d ms", WAIT_TIMEOUT_MS);
    }
    return g_dispatched;
}

static void be_rearm(int fd) { (void)fd; }

static uv_poll_t g_churn;

static void be_churn_begin(int fd)
{
    uv_check(uv_poll_init(&g_loop, &g_churn, fd), "uv_poll_init");
    g_churn.data = (void *)(intptr_t)fd;
}

static void be_churn_op(int fd)
{
    (void)fd;
    uv_check(uv_poll_start(&g_churn, UV_READABLE, poll_cb), "uv_poll_start");
    uv_run(&g_loop, UV_RUN_NOWAIT);          /* EPOLL_CTL_ADD happens here */
    uv_check(uv_poll_stop(&g_churn), "uv_poll_stop");
}

static void be_churn_end(int fd)
{
    (void)fd;
    uv_close((uv_handle_t *)&g_churn, NULL);
    uv_run(&g_loop, UV_RUN_NOWAIT);
}
