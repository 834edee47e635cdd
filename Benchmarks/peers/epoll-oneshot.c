/*
 * epoll-oneshot.c - raw epoll with EPOLLONESHOT.  Each readiness event
 * disarms the registration; after the read it is re-armed with
 * EPOLL_CTL_MOD, exactly like Winsock re-enabling FD_READ on recv().  This
 * is the syscall floor for WSAEventSelect semantics on epoll.
 * W3 churn: the fd stays in the epoll set; select = MOD(EPOLLIN|ONESHOT),
 * cancel = MOD(0) (what WSAEventSelect(s, ev, FD_READ) / (s, NULL, 0) map to).
 */
#define PEER_NAME "epoll-oneshot"
#include "harness.h"
#include <sys/epoll.h>

#define MAX_EVENTS 1024
static int g_ep = -1;

static void be_init(int max_fds)
{
    (void)max_fds;
    g_ep = epoll_create1(EPOLL_CLOEXEC);
    if (g_ep < 0)
        fail("epoll_create1");
}

static void be_fini(void)
{
    close_fd(g_ep);
    g_ep = -1;
}

static void ctl(int op, int fd, uint32_t events, const char *what)
{
    struct epoll_event ev = { .events = events, .data.fd = fd };
    if (epoll_ctl(g_ep, op, fd, &ev) != 0)
        fail(what);
}

static void be_add(int fd) { ctl(EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLONESHOT, "epoll_ctl(ADD)"); }

static void be_del(int fd)
{
    if (epoll_ctl(g_ep, EPOLL_CTL_DEL, fd, NULL) != 0)
        fail("epoll_ctl(DEL)");
}

static void be_flush(void) {}

static int be_wait(void)
{
    struct epoll_event evs[MAX_EVENTS];
    int n;
    do
        n = epoll_wait(g_ep, evs, MAX_EVENTS, WAIT_TIMEOUT_MS);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        fail("epoll_wait");
    if (n == 0)
        failx("epoll_wait: no event within %d ms", WAIT_TIMEOUT_MS);
    for (int i = 0; i < n; i++) {
        if (evs[i].events & (EPOLLERR | EPOLLHUP))
            failx("error/hangup on fd %d (events 0x%x)", evs[i].data.fd, evs[i].events);
        on_ready(evs[i].data.fd);
    }
    return n;
}

static void be_rearm(int fd) { ctl(EPOLL_CTL_MOD, fd, EPOLLIN | EPOLLONESHOT, "epoll_ctl(MOD rearm)"); }

static void be_churn_begin(int fd) { ctl(EPOLL_CTL_ADD, fd, EPOLLONESHOT, "epoll_ctl(ADD disarmed)"); }

static void be_churn_op(int fd)
{
    ctl(EPOLL_CTL_MOD, fd, EPOLLIN | EPOLLONESHOT, "epoll_ctl(MOD select)");
    ctl(EPOLL_CTL_MOD, fd, EPOLLONESHOT, "epoll_ctl(MOD cancel)");
}

static void be_churn_end(int fd) { be_del(fd); }
