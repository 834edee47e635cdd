// CEventSelect: thin wrappers; see CEventSelect.h for why each exists.
#include "CEventSelect.h"

#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kcmp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

_Static_assert(sizeof(CEventSelect_readiness) == 16, "Swift reads CEventSelect_readiness as 16 bytes");
_Static_assert(CEventSelect_POLLIN == POLLIN && CEventSelect_POLLPRI == POLLPRI && CEventSelect_POLLOUT == POLLOUT,
               "poll bits");
_Static_assert(CEventSelect_POLLERR == POLLERR && CEventSelect_POLLHUP == POLLHUP && CEventSelect_POLLRDHUP == POLLRDHUP,
               "poll bits");
_Static_assert(EPOLLIN == POLLIN && EPOLLPRI == POLLPRI && EPOLLOUT == POLLOUT && EPOLLERR == POLLERR &&
                   EPOLLHUP == POLLHUP && EPOLLRDHUP == POLLRDHUP,
               "epoll and poll bits agree, so both backends report the same bits");
// Compared as int: the two sides are different anonymous enums (-Wenum-compare).
_Static_assert((int)CEventSelect_TCP_ESTABLISHED == (int)TCP_ESTABLISHED &&
                   (int)CEventSelect_TCP_SYN_SENT == (int)TCP_SYN_SENT &&
                   (int)CEventSelect_TCP_CLOSE_WAIT == (int)TCP_CLOSE_WAIT && (int)CEventSelect_TCP_LISTEN == (int)TCP_LISTEN,
               "tcp states");

// ---- epoll ----

int CEventSelect_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int CEventSelect_epoll_add(int epfd, int fd, uint64_t token) {
    struct epoll_event ev = {.events = EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.u64 = token};
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int CEventSelect_epoll_add_level(int epfd, int fd, uint64_t token) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = token};
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int CEventSelect_epoll_del(int epfd, int fd) { return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL); }

int CEventSelect_epoll_has_entry(int epfd, int tfd) {
    struct kcmp_epoll_slot slot = {.efd = (unsigned)epfd, .tfd = (unsigned)tfd, .toff = 0};
    pid_t self = getpid();
    long rc = syscall(SYS_kcmp, self, self, KCMP_EPOLL_TFD, (unsigned long)epfd, (unsigned long)&slot);
    if (rc >= 0) return 1;
    if (errno == ENOENT) return 0;
    return -1;
}

int CEventSelect_epoll_wait(int epfd, CEventSelect_readiness *out, int max, int timeout_ms) {
    struct epoll_event events[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, events, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        out[i].token = events[i].data.u64;
        out[i].events = events[i].events;
        out[i].reserved = 0;
    }
    return n;
}

// ---- io_uring ----

struct CEventSelect_uring {
    struct io_uring ring;
    int deferred;
};

CEventSelect_uring *CEventSelect_uring_create(unsigned entries) {
    CEventSelect_uring *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    int rc = io_uring_queue_init(entries, &r->ring,
                                 IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG);
    r->deferred = rc == 0;
    if (rc == -EINVAL) rc = io_uring_queue_init(entries, &r->ring, 0);
    if (rc < 0) {
        free(r);
        errno = -rc;
        return NULL;
    }
    return r;
}

int CEventSelect_uring_work_pending(CEventSelect_uring *r) {
    if (!r->deferred) return 1;
    return (IO_URING_READ_ONCE(*r->ring.sq.kflags) & IORING_SQ_TASKRUN) != 0;
}

int CEventSelect_uring_get_events(CEventSelect_uring *r) { return io_uring_get_events(&r->ring); }

void CEventSelect_uring_destroy(CEventSelect_uring *r) {
    if (!r) return;
    io_uring_queue_exit(&r->ring);
    free(r);
}

int CEventSelect_uring_fd(CEventSelect_uring *r) { return r->ring.ring_fd; }

// A full submission queue is flushed and the sqe taken again (io_uring_get_sqe is static inline).
static struct io_uring_sqe *get_sqe(CEventSelect_uring *r) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);
    if (!sqe) {
        io_uring_submit(&r->ring);
        sqe = io_uring_get_sqe(&r->ring);
    }
    return sqe;
}

int CEventSelect_uring_poll_add(CEventSelect_uring *r, int fd, uint64_t token, unsigned events) {
    struct io_uring_sqe *sqe = get_sqe(r);
    if (!sqe) return -EBUSY;
    io_uring_prep_poll_add(sqe, fd, events);
    io_uring_sqe_set_data64(sqe, token);
    return 0;
}

int CEventSelect_uring_submit(CEventSelect_uring *r) { return io_uring_submit(&r->ring); }

int CEventSelect_uring_cancel(CEventSelect_uring *r, uint64_t token) {
    struct io_uring_sync_cancel_reg reg;
    memset(&reg, 0, sizeof reg);
    reg.addr = token;
    reg.flags = IORING_ASYNC_CANCEL_ALL;
    reg.fd = -1;
    reg.timeout.tv_sec = -1;
    reg.timeout.tv_nsec = -1;
    return io_uring_register_sync_cancel(&r->ring, &reg);
}

int CEventSelect_uring_reap(CEventSelect_uring *r, CEventSelect_readiness *out, int max) {
    struct io_uring_cqe *cqe;
    unsigned head;
    int n = 0;
    // Completions the kernel could not post (ring full) wait in its overflow list until flushed.
    if (io_uring_cq_has_overflow(&r->ring)) io_uring_get_events(&r->ring);
    io_uring_for_each_cqe(&r->ring, head, cqe) {
        if (n == max) break;
        out[n].token = io_uring_cqe_get_data64(cqe);
        out[n].events = (uint32_t)cqe->res;
        out[n].reserved = 0;
        n++;
    }
    io_uring_cq_advance(&r->ring, (unsigned)n);
    return n;
}

// ---- waiting ----

int CEventSelect_ppoll(struct pollfd *fds, unsigned long count, int64_t timeout_ns) {
    if (timeout_ns < 0) return ppoll(fds, count, NULL, NULL);
    struct timespec ts = {.tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000};
    return ppoll(fds, count, &ts, NULL);
}

// ---- eventfd ----

int CEventSelect_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

int CEventSelect_eventfd_signal(int fd) {
    uint64_t one = 1;
    return write(fd, &one, sizeof one) == sizeof one ? 0 : -1;
}

int CEventSelect_eventfd_drain(int fd) {
    uint64_t value;
    return read(fd, &value, sizeof value) == sizeof value ? 0 : -1;
}

// ---- identity ----

int CEventSelect_socket_identity(int fd, uint64_t *inode, uint64_t *device) {
    struct stat st;
    if (fstat(fd, &st) != 0) return -1;
    if (!S_ISSOCK(st.st_mode)) {
        errno = ENOTSOCK;
        return -1;
    }
    *inode = (uint64_t)st.st_ino;
    *device = (uint64_t)st.st_dev;
    return 0;
}

int CEventSelect_tcp_state(int fd) {
    struct tcp_info info;
    socklen_t len = sizeof info;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return -1;
    return info.tcpi_state;
}

int CEventSelect_accept(int fd, int nonblocking) { return accept4(fd, NULL, NULL, nonblocking ? SOCK_NONBLOCK : 0); }

// ---- descriptors ----

int CEventSelect_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int CEventSelect_pidfd_getfd(int pidfd, int targetfd) { return (int)syscall(SYS_pidfd_getfd, pidfd, targetfd, 0); }

ssize_t CEventSelect_send_fd(int socket, int fd, const void *payload, size_t len) {
    struct iovec iov = {.iov_base = (void *)payload, .iov_len = len};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    return sendmsg(socket, &msg, MSG_NOSIGNAL);
}

ssize_t CEventSelect_recv_fd(int socket, int *fd, void *payload, size_t len) {
    struct iovec iov = {.iov_base = payload, .iov_len = len};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    *fd = -1;
    ssize_t n = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) return n;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
            memcpy(fd, CMSG_DATA(c), sizeof(int));
        }
    }
    return n;
}

// ---- the cross-process registry ----

_Static_assert(sizeof(CEventSelect_shared_socket) == 104, "Swift and every process rely on this layout");
_Static_assert(sizeof(CEventSelect_export) == 48, "Swift and every process rely on this layout");
_Static_assert(sizeof(pthread_mutex_t) == 40, "the shared layout assumes glibc x86_64/aarch64 mutexes");

int CEventSelect_mutex_init(pthread_mutex_t *mutex) {
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc) return rc;
    rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    if (!rc) rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    if (!rc) rc = pthread_mutex_init(mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    return rc;
}

int CEventSelect_mutex_lock(pthread_mutex_t *mutex) {
    int rc = pthread_mutex_lock(mutex);
    if (rc == EOWNERDEAD) {
        pthread_mutex_consistent(mutex);
        return EOWNERDEAD;
    }
    return rc;
}

int CEventSelect_mutex_unlock(pthread_mutex_t *mutex) { return pthread_mutex_unlock(mutex); }

uint64_t CEventSelect_socket_cookie(int fd) {
    uint64_t cookie = 0;
    socklen_t len = sizeof cookie;
    if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len) != 0) return 0;
    return cookie;
}
