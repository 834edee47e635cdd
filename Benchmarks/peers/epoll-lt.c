/*
 * epoll-lt.c - raw epoll, level-triggered (EPOLLIN).  Registration is done
 * once; readiness stays reported while data is pending, so nothing is
 * re-armed after a read.  W3 churn = EPOLL_CTL_ADD + EPOLL_CTL_DEL.
 */
#define PEER_NAME "epoll-lt"
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

static void be_add(int fd)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
    if (epoll_ctl(g_ep, EPOLL_CTL_ADD, fd, &ev) != 0)
        fail("epoll_ctl(ADD)");
}

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

static void be_rearm(int fd) { (void)fd; }

static void be_churn_begin(int fd) { (void)fd; }

static void be_churn_op(int fd)
{
    be_add(fd);
    be_del(fd);
}

static void be_churn_end(int fd) { (void)fd; }
