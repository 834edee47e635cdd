// CEventSelect: the thin C shim under EventSelect.
//
// Only what Swift cannot import directly lives here: structs the kernel packs, macros, liburing's
// `static inline` helpers and raw syscalls without a glibc wrapper. Every function returns what the
// kernel returned (-1 with errno set, or liburing's -errno); the policy lives in Swift.
#ifndef CEVENTSELECT_H
#define CEVENTSELECT_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---- readiness, shared by both backends -------------------------------------------------------

/// One readiness report: the token given when the socket was armed and its poll(2)-style bits.
/// Exists because `struct epoll_event` is packed on x86_64 and Swift cannot take its fields' addresses.
typedef struct CEventSelect_readiness {
    uint64_t token;
    uint32_t events;
    uint32_t reserved;
} CEventSelect_readiness;

/// Poll bits, as constants: glibc defines some of them through macros Swift does not import.
enum {
    CEventSelect_POLLIN = 0x001,
    CEventSelect_POLLPRI = 0x002,
    CEventSelect_POLLOUT = 0x004,
    CEventSelect_POLLERR = 0x008,
    CEventSelect_POLLHUP = 0x010,
    CEventSelect_POLLRDHUP = 0x2000,
};

// ---- epoll ------------------------------------------------------------------------------------

/// EPOLLET (sys/epoll.h is not in Glibc's module map; EPOLLIN... equal the poll bits above).
#define CEventSelect_EPOLLET (1U << 31)

/// epoll_create1(EPOLL_CLOEXEC).
int CEventSelect_epoll_create(void);
/// EPOLL_CTL_ADD of `fd` with `events` and `token` in data.u64 (struct epoll_event is packed on
/// x86_64, so it is built here; which events is the caller's choice).
int CEventSelect_epoll_add(int epfd, int fd, uint32_t events, uint64_t token);
/// EPOLL_CTL_MOD of `fd`'s entry to `events` and `token`.
int CEventSelect_epoll_mod(int epfd, int fd, uint32_t events, uint64_t token);
/// EPOLL_CTL_DEL.
int CEventSelect_epoll_del(int epfd, int fd);
/// Whether epoll `epfd` still holds an entry registered through fd number `tfd` (which may be
/// closed by now): 0 yes, -1 with errno ENOENT no, other errno when the kernel cannot tell
/// (kcmp(2) KCMP_EPOLL_TFD; its struct and constant come from linux/kcmp.h).
int CEventSelect_epoll_has_entry(int epfd, int tfd);
/// epoll_wait of up to `max` events, unpacking into `out`. Returns the count, or -1 with errno.
int CEventSelect_epoll_wait(int epfd, CEventSelect_readiness *out, int max, int timeout_ms);

// ---- io_uring (liburing) ----------------------------------------------------------------------

/// An opaque io_uring instance (struct io_uring is large and version-dependent).
typedef struct CEventSelect_uring CEventSelect_uring;
/// Every function below returns -1 with errno on failure, like the syscalls (liburing's -errno is
/// converted here).
enum {
    CEventSelect_IORING_SETUP_SINGLE_ISSUER = 1U << 12,
    CEventSelect_IORING_SETUP_DEFER_TASKRUN = 1U << 13,
    CEventSelect_IORING_SETUP_TASKRUN_FLAG = 1U << 9,
    CEventSelect_IORING_SQ_TASKRUN = 1U << 2,
};
/// io_uring_queue_init(entries, flags) into `*out`; 0, or -1 with errno (ENOSYS, EPERM, EINVAL
/// for flags the kernel does not know, ...).
int CEventSelect_uring_create(unsigned entries, unsigned flags, CEventSelect_uring **out);
/// The shared sq flags (IORING_SQ_TASKRUN: the kernel holds completion work for the creating
/// thread of a DEFER_TASKRUN ring), read without a syscall.
unsigned CEventSelect_uring_sq_flags(CEventSelect_uring *ring);
/// io_uring_get_events: runs the waiting completion work (creating thread only).
int CEventSelect_uring_get_events(CEventSelect_uring *ring);
void CEventSelect_uring_destroy(CEventSelect_uring *ring);
/// The ring's fd: pollable, readable while completions are waiting.
int CEventSelect_uring_fd(CEventSelect_uring *ring);
/// Queues a single-shot POLL_ADD of `events` (poll bits) for `fd` with `token` (completes once,
/// when `fd` is ready, or at once if it already is).
int CEventSelect_uring_poll_add(CEventSelect_uring *ring, int fd, uint64_t token, unsigned events);
/// io_uring_submit; returns the count submitted.
int CEventSelect_uring_submit(CEventSelect_uring *ring);
/// Cancels the request with `token` synchronously (io_uring_register_sync_cancel): when it returns
/// the poll no longer holds the file (ENOENT when nothing matched).
int CEventSelect_uring_cancel(CEventSelect_uring *ring, uint64_t token);
/// Reaps up to `max` completions already in the completion ring, without a syscall (unless the
/// kernel holds overflowed completions, which are flushed first): token and res (poll bits, or
/// -errno).
int CEventSelect_uring_reap(CEventSelect_uring *ring, CEventSelect_readiness *out, int max);


// ---- waiting ----------------------------------------------------------------------------------

struct pollfd;
/// ppoll(2) with a nanosecond timeout (<0: forever): Glibc's module map hides ppoll (_GNU_SOURCE).
int CEventSelect_ppoll(struct pollfd *fds, unsigned long count, int64_t timeout_ns);

// ---- eventfd ----------------------------------------------------------------------------------

/// eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK): sys/eventfd.h is not in Glibc's module map.
int CEventSelect_eventfd(void);
/// Adds 1 to the counter (makes the fd readable).
int CEventSelect_eventfd_signal(int fd);
/// Reads the counter back to zero (makes the fd unreadable); EAGAIN when it was zero.
int CEventSelect_eventfd_drain(int fd);

// ---- socket identity and state -----------------------------------------------------------------

/// fstat(fd): the inode and device of a socket. Fails with EBADF for a closed fd and ENOTSOCK when
/// `fd` is open but not a socket (S_ISSOCK is a macro).
int CEventSelect_socket_identity(int fd, uint64_t *inode, uint64_t *device);
/// The TCP state (TCP_ESTABLISHED, TCP_SYN_SENT, ... from tcp_info.tcpi_state), or -1 with errno.
int CEventSelect_tcp_state(int fd);

/// TCP states from include/net/tcp_states.h (not exported by glibc headers as an enum Swift sees).
enum {
    CEventSelect_TCP_ESTABLISHED = 1,
    CEventSelect_TCP_SYN_SENT = 2,
    CEventSelect_TCP_SYN_RECV = 3,
    CEventSelect_TCP_FIN_WAIT1 = 4,
    CEventSelect_TCP_FIN_WAIT2 = 5,
    CEventSelect_TCP_TIME_WAIT = 6,
    CEventSelect_TCP_CLOSE = 7,
    CEventSelect_TCP_CLOSE_WAIT = 8,
    CEventSelect_TCP_LAST_ACK = 9,
    CEventSelect_TCP_LISTEN = 10,
    CEventSelect_TCP_CLOSING = 11,
};

/// accept4(fd, NULL, NULL, SOCK_NONBLOCK when `nonblocking`): accept4 is hidden behind _GNU_SOURCE in Glibc's module map.
int CEventSelect_accept(int fd, int nonblocking);

// ---- passing descriptors ----------------------------------------------------------------------

/// pidfd_open(2): no glibc wrapper on Debian 12.
int CEventSelect_pidfd_open(pid_t pid);
/// pidfd_getfd(2): no glibc wrapper on Debian 12. The new fd is O_CLOEXEC.
int CEventSelect_pidfd_getfd(int pidfd, int targetfd);
/// SO_COOKIE of a socket, or 0 with errno.
uint64_t CEventSelect_socket_cookie(int fd);

#ifdef __cplusplus
}
#endif
#endif
