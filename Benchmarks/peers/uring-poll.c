/*
 * uring-poll.c - io_uring readiness via IORING_OP_POLL_ADD (liburing).
 *
 * Default build ("uring-poll"): single-shot POLL_ADD, re-submitted after
 * each event is consumed (the io_uring analogue of EPOLLONESHOT + MOD).  The
 * re-arm SQE is only queued; it goes to the kernel with the next wait, so one
 * io_uring_enter() both submits pending re-arms and waits.
 * -DMULTISHOT ("uring-poll-multishot"): IORING_POLL_ADD_MULTI; the poll stays
 * armed and is only re-submitted if a CQE arrives without IORING_CQE_F_MORE.
 *
 * The ring is set up with SINGLE_ISSUER|DEFER_TASKRUN when the kernel allows
 * it, else COOP_TASKRUN, else no flags.
 * W3 churn = submit POLL_ADD (one enter) + submit POLL_REMOVE and wait for
 * both completions (second enter).
 * be_del = POLL_REMOVE and wait for it synchronously (a pending poll holds a
 * file reference, so closing the fd alone would not drop the registration).
 */
#ifdef MULTISHOT
#define PEER_NAME "uring-poll-multishot"
#else
#define PEER_NAME "uring-poll"
#endif
#include "harness.h"
#include <liburing.h>
#include <poll.h>

#define RING_ENTRIES 4096
#define TAG_POLL 1ull
#define TAG_REMOVE 2ull
#define UD(tag, fd) (((tag) << 32) | (uint32_t)(fd))

static struct io_uring g_ring;
static int g_ring_up;
static unsigned char *g_armed;   /* by fd: a poll request is queued or in the kernel */
static int g_max;

static void ur_fail(int err, const char *what)
{
    errno = -err;
    fail(what);
}

static void be_init(int max_fds)
{
    static const unsigned flag_sets[] = {
        IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
        IORING_SETUP_COOP_TASKRUN,
        0,
    };
    int r = -EINVAL;
    for (size_t i = 0; i < sizeof flag_sets / sizeof flag_sets[0]; i++) {
        struct io_uring_params p;
        memset(&p, 0, sizeof p);
        p.flags = flag_sets[i];
        r = io_uring_queue_init_params(RING_ENTRIES, &g_ring, &p);
        if (r != -EINVAL)
            break;
    }
    if (r < 0)
        ur_fail(r, "io_uring_queue_init_params");
    g_ring_up = 1;
    g_max = max_fds;
    g_armed = xcalloc((size_t)max_fds, 1);
}

static void be_fini(void)
{
    for (int fd = 0; fd < g_max; fd++)
        if (g_armed[fd])
            failx("be_fini: fd %d still registered", fd);
    io_uring_queue_exit(&g_ring);
    g_ring_up = 0;
    free(g_armed);
    g_armed = NULL;
}

static void ur_submit(void)
{
    int r = io_uring_submit(&g_ring);
    if (r < 0)
        ur_fail(r, "io_uring_submit");
}

static struct io_uring_sqe *ur_sqe(void)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&g_ring);
    if (!sqe) {                      /* SQ full: push what is queued */
        ur_submit();
        sqe = io_uring_get_sqe(&g_ring);
        if (!sqe)
            failx("io_uring_get_sqe: no SQE after submit");
    }
    return sqe;
}

static void ur_prep_poll(int fd)
{
    struct io_uring_sqe *sqe = ur_sqe();
#ifdef MULTISHOT
    io_uring_prep_poll_multishot(sqe, fd, POLLIN);
#else
    io_uring_prep_poll_add(sqe, fd, POLLIN);
#endif
    io_uring_sqe_set_data64(sqe, UD(TAG_POLL, fd));
    g_armed[fd] = 1;
}

static void be_add(int fd)
{
    if (fd < 0 || fd >= g_max)
        failx("fd %d out of range", fd);
    if (g_armed[fd])
        failx("fd %d already registered", fd);
    ur_prep_poll(fd);
}

static void be_flush(void) { ur_submit(); }

/* Wait for one CQE (bounded), submitting anything queued. */
static struct io_uring_cqe *ur_wait_one(void)
{
    struct io_uring_cqe *cqe = NULL;
    struct __kernel_timespec ts = { .tv_sec = WAIT_TIMEOUT_MS / 1000,
                                    .tv_nsec = (WAIT_TIMEOUT_MS % 1000) * 1000000L };
    int r;
    do
        r = io_uring_submit_and_wait_timeout(&g_ring, &cqe, 1, &ts, NULL);
    while (r == -EINTR);
    if (r == -ETIME)
        failx("io_uring: no completion within %d ms", WAIT_TIMEOUT_MS);
    if (r < 0)
        ur_fail(r, "io_uring_submit_and_wait_timeout");
    if (!cqe)
        failx("io_uring: wait returned no CQE");
    return cqe;
}

/* A poll CQE is terminal unless multishot says more are coming. */
static int poll_terminal(const struct io_uring_cqe *cqe)
{
    return !(cqe->flags & IORING_CQE_F_MORE);
}

static void be_del(int fd)
{
    if (!g_armed[fd])
        return;                      /* single-shot already fired and not re-armed */
    struct io_uring_sqe *sqe = ur_sqe();
    io_uring_prep_poll_remove(sqe, UD(TAG_POLL, fd));
    io_uring_sqe_set_data64(sqe, UD(TAG_REMOVE, fd));
    int got_remove = 0, got_poll = 0;
    for (int guard = 0; !(got_remove && got_poll); guard++) {
        if (guard > 64)
            failx("be_del(%d): completions missing", fd);
        struct io_uring_cqe *cqe = ur_wait_one();
        uint64_t ud = io_uring_cqe_get_data64(cqe);
        int cfd = (int)(uint32_t)ud;
        uint64_t tag = ud >> 32;
        if (cfd != fd)
            failx("be_del(%d): unexpected completion for fd %d (tag %llu, res %d)",
                  fd, cfd, (unsigned long long)tag, cqe->res);
        if (tag == TAG_REMOVE) {
            /* -ENOENT/-EALREADY: the poll completed on its own first */
            if (cqe->res < 0 && cqe->res != -ENOENT && cqe->res != -EALREADY)
                ur_fail(cqe->res, "IORING_OP_POLL_REMOVE");
            got_remove = 1;
        } else if (tag == TAG_POLL) {
            if (cqe->res < 0 && cqe->res != -ECANCELED)
                ur_fail(cqe->res, "IORING_OP_POLL_ADD");
            if (poll_terminal(cqe))
                got_poll = 1;
        } else {
            failx("bad user_data %llx", (unsigned long long)ud);
        }
        io_uring_cqe_seen(&g_ring, cqe);
    }
    g_armed[fd] = 0;
}

static int be_wait(void)
{
    struct io_uring_cqe *cqe;
    unsigned head, n = 0;
    ur_wait_one();                   /* submits queued re-arms, waits for >= 1 */
    io_uring_for_each_cqe(&g_ring, head, cqe) {
        uint64_t ud = io_uring_cqe_get_data64(cqe);
        int fd = (int)(uint32_t)ud;
        if ((ud >> 32) != TAG_POLL)
            failx("unexpected completion tag %llu for fd %d", (unsigned long long)(ud >> 32), fd);
        if (cqe->res < 0)
            ur_fail(cqe->res, "IORING_OP_POLL_ADD completion");
        if (cqe->res & (POLLERR | POLLHUP))
            failx("error/hangup on fd %d (revents 0x%x)", fd, cqe->res);
        if (poll_terminal(cqe))
            g_armed[fd] = 0;
        n++;
        on_ready(fd);                /* may queue a re-arm SQE (no syscall) */
    }
    io_uring_cq_advance(&g_ring, n);
    return (int)n;
}

static void be_rearm(int fd)
{
    if (!g_armed[fd])
        ur_prep_poll(fd);            /* queued; submitted by the next wait */
}

static void be_churn_begin(int fd) { (void)fd; }

static void be_churn_op(int fd)
{
    be_add(fd);
    ur_submit();                     /* select: the poll is live in the kernel */
    be_del(fd);                      /* cancel: POLL_REMOVE + reap both CQEs */
}

static void be_churn_end(int fd) { (void)fd; }
