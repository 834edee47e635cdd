// CEventSelect: thin wrappers; see CEventSelect.h for why each exists.
#include "CEventSelect.h"
#include "CEventSelectShared.h"

#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <linux/kcmp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(CEventSelect_readiness) == 16, "Swift reads CEventSelect_readiness as 16 bytes");
_Static_assert(CEventSelect_POLLIN == POLLIN && CEventSelect_POLLPRI == POLLPRI && CEventSelect_POLLOUT == POLLOUT,
               "poll bits");
_Static_assert(CEventSelect_POLLERR == POLLERR && CEventSelect_POLLHUP == POLLHUP && CEventSelect_POLLRDHUP == POLLRDHUP,
               "poll bits");
_Static_assert(EPOLLIN == POLLIN && EPOLLPRI == POLLPRI && EPOLLOUT == POLLOUT && EPOLLERR == POLLERR &&
                   EPOLLHUP == POLLHUP && EPOLLRDHUP == POLLRDHUP,
               "epoll and poll bits agree, so both backends report the same bits");
_Static_assert(CEventSelect_EPOLLET == EPOLLET, "EPOLLET");
_Static_assert((int)CEventSelect_TCP_ESTABLISHED == (int)TCP_ESTABLISHED &&
                   (int)CEventSelect_TCP_SYN_SENT == (int)TCP_SYN_SENT &&
                   (int)CEventSelect_TCP_CLOSE_WAIT == (int)TCP_CLOSE_WAIT && (int)CEventSelect_TCP_LISTEN == (int)TCP_LISTEN,
               "tcp states");

// ---- epoll ----

int CEventSelect_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int CEventSelect_epoll_add(int epfd, int fd, uint32_t events, uint64_t token) {
    struct epoll_event ev = {.events = events, .data.u64 = token};
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int CEventSelect_epoll_mod(int epfd, int fd, uint32_t events, uint64_t token) {
    struct epoll_event ev = {.events = events, .data.u64 = token};
    return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
}

int CEventSelect_epoll_del(int epfd, int fd) { return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL); }

int CEventSelect_epoll_has_entry(int epfd, int tfd) {
    struct kcmp_epoll_slot slot = {.efd = (unsigned)epfd, .tfd = (unsigned)tfd, .toff = 0};
    pid_t self = getpid();
    return syscall(SYS_kcmp, self, self, KCMP_EPOLL_TFD, (unsigned long)epfd, (unsigned long)&slot) < 0 ? -1 : 0;
}

int CEventSelect_epoll_wait(int epfd, CEventSelect_readiness *out, int max, int timeout_ms) {
    struct epoll_event events[max > 0 ? max : 1];
    int n = epoll_wait(epfd, events, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        out[i].token = events[i].data.u64;
        out[i].events = events[i].events;
        out[i].reserved = 0;
    }
    return n;
}

// ---- io_uring ----

_Static_assert(CEventSelect_IORING_SETUP_SINGLE_ISSUER == IORING_SETUP_SINGLE_ISSUER &&
                   CEventSelect_IORING_SETUP_DEFER_TASKRUN == IORING_SETUP_DEFER_TASKRUN &&
                   CEventSelect_IORING_SETUP_TASKRUN_FLAG == IORING_SETUP_TASKRUN_FLAG &&
                   CEventSelect_IORING_SQ_TASKRUN == IORING_SQ_TASKRUN,
               "io_uring flags");

struct CEventSelect_uring {
    struct io_uring ring;
};

// liburing returns -errno; every function here returns -1 with errno set instead (the shim's one
// convention, read by Swift's `syscall`).
static int fail_with(int rc) {
    if (rc >= 0) return rc;
    errno = -rc;
    return -1;
}

int CEventSelect_uring_create(unsigned entries, unsigned flags, CEventSelect_uring **out) {
    CEventSelect_uring *r = calloc(1, sizeof *r);
    if (!r) return -1;
    int rc = io_uring_queue_init(entries, &r->ring, flags);
    if (rc < 0) {
        free(r);
        return fail_with(rc);
    }
    *out = r;
    return 0;
}

unsigned CEventSelect_uring_sq_flags(CEventSelect_uring *r) { return IO_URING_READ_ONCE(*r->ring.sq.kflags); }

int CEventSelect_uring_get_events(CEventSelect_uring *r) { return fail_with(io_uring_get_events(&r->ring)); }

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
    if (!sqe) {
        errno = EBUSY;
        return -1;
    }
    io_uring_prep_poll_add(sqe, fd, events);
    io_uring_sqe_set_data64(sqe, token);
    return 0;
}

int CEventSelect_uring_submit(CEventSelect_uring *r) { return fail_with(io_uring_submit(&r->ring)); }

int CEventSelect_uring_cancel(CEventSelect_uring *r, uint64_t token) {
    struct io_uring_sync_cancel_reg reg;
    memset(&reg, 0, sizeof reg);
    reg.addr = token;
    reg.flags = IORING_ASYNC_CANCEL_ALL;
    reg.fd = -1;
    reg.timeout.tv_sec = -1;
    reg.timeout.tv_nsec = -1;
    return fail_with(io_uring_register_sync_cancel(&r->ring, &reg));
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

// ---- the cross-process registry (CEventSelectShared.h) ----

_Static_assert(sizeof(CEventSelect_shared_socket) == 128, "Swift and every process rely on this layout");
_Static_assert(sizeof(CEventSelect_export) == 56, "Swift and every process rely on this layout");
_Static_assert(sizeof(pthread_mutex_t) == 40, "the shared layout assumes glibc x86_64/aarch64 mutexes");
_Static_assert(CEventSelect_FUTEX_TID_MASK == FUTEX_TID_MASK, "linux/futex.h FUTEX_TID_MASK");

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

static int made_consistent(pthread_mutex_t *mutex, int rc) {
    if (rc == EOWNERDEAD) pthread_mutex_consistent(mutex);
    return rc;
}

int CEventSelect_mutex_trylock(pthread_mutex_t *mutex) { return made_consistent(mutex, pthread_mutex_trylock(mutex)); }

int CEventSelect_mutex_lock_within(pthread_mutex_t *mutex, int64_t timeout_ns) {
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ns / 1000000000;
    deadline.tv_nsec += timeout_ns % 1000000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000;
    }
    return made_consistent(mutex, pthread_mutex_clocklock(mutex, CLOCK_MONOTONIC, &deadline));
}

int CEventSelect_mutex_unlock(pthread_mutex_t *mutex) { return pthread_mutex_unlock(mutex); }

uint32_t CEventSelect_mutex_word(pthread_mutex_t *mutex) {
    return (uint32_t)__atomic_load_n(&mutex->__data.__lock, __ATOMIC_ACQUIRE);
}

int CEventSelect_mutex_clear_word(pthread_mutex_t *mutex, uint32_t observed) {
    int expected = (int)observed;
    int cleared = __atomic_compare_exchange_n(&mutex->__data.__lock, &expected, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    if (cleared) syscall(SYS_futex, &mutex->__data.__lock, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
    return cleared;
}

int CEventSelect_mutex_clear_unrecoverable(pthread_mutex_t *mutex) {
    int expected = 0x7fffffff;  // glibc's PTHREAD_MUTEX_NOTRECOVERABLE (internal, not in its headers)
    return __atomic_compare_exchange_n(&mutex->__data.__owner, &expected, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

pid_t CEventSelect_gettid(void) { return (pid_t)syscall(SYS_gettid); }

// ---- descriptor and credential passing ----

int CEventSelect_set_passcred(int socket) {
    int one = 1;
    return setsockopt(socket, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
}

// Closes every descriptor an SCM_RIGHTS message carried, except the first when `keep` is given.
static void take_rights(struct msghdr *msg, int *keep) {
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (keep && *keep < 0) {
                *keep = fd;
            } else {
                close(fd);
            }
        }
    }
}

ssize_t CEventSelect_recv_with_credentials(int socket, void *payload, size_t len, pid_t *pid, uid_t *uid,
                                           struct sockaddr_un *from, socklen_t *fromlen) {
    struct iovec iov = {.iov_base = payload, .iov_len = len};
    union {
        char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(16 * sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_name = from, .msg_namelen = *fromlen, .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    *pid = -1;
    *uid = (uid_t)-1;
    ssize_t n = recvmsg(socket, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0) return n;
    *fromlen = msg.msg_namelen;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
            c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
            struct ucred cred;
            memcpy(&cred, CMSG_DATA(c), sizeof cred);
            *pid = cred.pid;
            *uid = cred.uid;
        }
    }
    take_rights(&msg, NULL);
    return n;
}

ssize_t CEventSelect_send_fd_to(int socket, int fd, const void *payload, size_t len, const struct sockaddr_un *to,
                                socklen_t tolen) {
    struct iovec iov = {.iov_base = (void *)payload, .iov_len = len};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_name = (void *)to, .msg_namelen = tolen, .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    return sendmsg(socket, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
}

ssize_t CEventSelect_recv_fd(int socket, int *fd, void *payload, size_t len, int *truncated) {
    struct iovec iov = {.iov_base = payload, .iov_len = len};
    union {
        char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(16 * sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    *fd = -1;
    *truncated = 0;
    ssize_t n = recvmsg(socket, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0) return n;
    *truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
    take_rights(&msg, fd);
    return n;
}

uint64_t CEventSelect_socket_cookie(int fd) {
    uint64_t cookie = 0;
    socklen_t len = sizeof cookie;
    if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len) != 0) return 0;
    return cookie;
}
