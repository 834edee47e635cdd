// CEventSelectShared: the cross-process part of the shim, private to the Swift package.
//
// The layout of the per-user registry file (shared memory every process of the user maps), the
// robust-mutex calls over it, C11-model atomics for the words read outside a lock, and the
// SCM_RIGHTS / SCM_CREDENTIALS wrappers of the descriptor hand-over. Kept out of CEventSelect.h so
// that the installed C library exposes no shared-memory layout (CMake installs CEventSelect.h
// only); Swift sees both through include/module.modulemap. As everywhere in the shim: no policy,
// every function returns what the kernel or glibc returned.
#ifndef CEVENTSELECT_SHARED_H
#define CEVENTSELECT_SHARED_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---- the registry layout ------------------------------------------------------------------------

/// One underlying socket's registration as every process sees it. The layout is fixed here (Swift
/// reads and writes the fields through a pointer) and checked by _Static_assert in shim.c. Every
/// field but `inode`/`cookie`/`holders` is read and written under the slot's lock (stripe
/// `index % CEventSelect_LOCK_STRIPES`); `inode`, `cookie`, `holders` and `unlisted_holders` change
/// only under the table lock; `undelivered` is also read outside any lock (atomically) by the
/// owner's re-scan. Every value is input: readers bounds-check it before use.
typedef struct CEventSelect_shared_socket {
    uint64_t inode;                ///< 0: free slot
    uint64_t cookie;               ///< SO_COOKIE (a reused inode is told apart); free slots: free-list link
    uint64_t owner_epoch;          ///< bumped by every selection, in any process
    int32_t owner_pid;             ///< the process whose selection is current, 0 for none
    uint32_t mask;                 ///< the selected FD_* bits
    uint32_t pending;              ///< the network-event record
    uint32_t reported;             ///< recorded and not re-enabled
    uint32_t undelivered;          ///< recorded by another process, for the owner to deliver
    int32_t codes[6];              ///< errno per FD_*_BIT
    int32_t socket_type;
    int32_t family;
    uint8_t connection;
    uint8_t connect_reported;
    uint8_t local_read_shutdown;
    uint8_t mode;                  ///< 0 none, 1 event objects, 2 messages
    int32_t holders[8];            ///< pids of processes holding a registration object (0: none)
    uint32_t unlisted_holders;     ///< holders beyond the eight listed, each in the header's `overflow`
    uint32_t nonblocking;          ///< O_NONBLOCK as EventSelect last set it
    uint32_t reenabled;            ///< FD_* bits re-enabled (in any process) since the owner re-armed them
    uint32_t reserved;
} CEventSelect_shared_socket;

/// One `duplicateSocket` export waiting for its single import.
typedef struct CEventSelect_export {
    uint64_t nonce;                ///< random; the import must present it
    uint64_t inode;
    uint64_t cookie;
    int32_t source_pid;
    int32_t target_pid;
    int32_t stash_fd;              ///< the source's private descriptor, kept until the import
    uint32_t state;                ///< 0 free, 1 waiting, 2 claimed (an import is fetching), 3 imported
    uint64_t imported_at;          ///< `export_sequence` when imported: the oldest is reused first
    uint32_t attempt;              ///< bumped by every claim: a hand-over answers one claim only
    uint32_t reserved;
} CEventSelect_export;

enum {
    CEventSelect_REGISTRY_MAGIC = 0x45535238,  // "ESR8"
    CEventSelect_REGISTRY_VERSION = 8,  // 8: the slot's `reenabled` word (re-armed arrivals across processes)
    CEventSelect_EXPORT_COUNT = 1024,
    CEventSelect_LOCK_STRIPES = 4096,
    CEventSelect_HOLDERS = 8,
    CEventSelect_OVERFLOW_HOLDERS = 2048,
};

/// A holder of a slot beyond the slot's eight listed ones (a socket many processes hold).
typedef struct CEventSelect_overflow_holder {
    uint32_t slot_plus_one;        ///< 0: a free entry
    int32_t pid;
} CEventSelect_overflow_holder;

/// The file's header. A bucket index (2 * slot_count uint32: slot + 1, 0 empty, UINT32_MAX deleted;
/// open addressing by inode) follows it, then the slots, handed out densely so that a process
/// touches as few shared pages as it has sockets.
typedef struct CEventSelect_registry_header {
    uint32_t magic;                ///< checked on open (the file is published complete, by link(2))
    uint32_t version;
    uint32_t slot_count;           ///< a power of two; the file's size follows from it
    uint32_t used;                 ///< slots holding a socket
    uint32_t insertions;           ///< bumped whenever a slot is taken: lets a process cache "no slot"
    uint32_t next_slot;            ///< slots are handed out densely: the first never used
    uint32_t free_head;            ///< freed slots, linked through their `cookie` (index + 1; 0: none)
    uint32_t tombstones;           ///< deleted entries in the bucket index
    uint32_t reclaim_cursor;       ///< where the amortised scan for abandoned slots goes on
    uint32_t reserved0;
    uint64_t export_sequence;      ///< numbers imports (see CEventSelect_export.imported_at)
    pthread_mutex_t table_lock;    ///< robust, process-shared: insertion, deletion, exports
    CEventSelect_export exports[CEventSelect_EXPORT_COUNT];
    /// Slot locks, robust and process-shared: slot i uses stripe i % CEventSelect_LOCK_STRIPES.
    pthread_mutex_t stripes[CEventSelect_LOCK_STRIPES];
    /// Holders beyond a slot's list, so that every holder's exit is seen and the slot reclaimed.
    CEventSelect_overflow_holder overflow[CEventSelect_OVERFLOW_HOLDERS];
} CEventSelect_registry_header;

// ---- robust process-shared mutexes --------------------------------------------------------------

/// Initialises a robust, process-shared mutex (attribute setup is macros and C-only calls).
int CEventSelect_mutex_init(pthread_mutex_t *mutex);
/// pthread_mutex_trylock: 0, EBUSY, or EOWNERDEAD after making the mutex consistent again (its
/// holder died holding it; the caller repairs what it protects), or another error.
int CEventSelect_mutex_trylock(pthread_mutex_t *mutex);
/// pthread_mutex_clocklock on CLOCK_MONOTONIC for at most `timeout_ns`: 0, ETIMEDOUT, EOWNERDEAD
/// (made consistent, as above), or another error.
int CEventSelect_mutex_lock_within(pthread_mutex_t *mutex, int64_t timeout_ns);
int CEventSelect_mutex_unlock(pthread_mutex_t *mutex);
/// The mutex's lock word (owner thread id | FUTEX_WAITERS | FUTEX_OWNER_DIED), read atomically.
uint32_t CEventSelect_mutex_word(pthread_mutex_t *mutex);
/// Compare-and-swap of the lock word from `observed` to 0 (free): 1 when it swapped. Frees a lock
/// whose recorded owner no longer exists, and nothing else (any change since `observed` wins).
int CEventSelect_mutex_clear_word(pthread_mutex_t *mutex, uint32_t observed);
/// Compare-and-swap of glibc's owner field from PTHREAD_MUTEX_NOTRECOVERABLE to 0: 1 when it
/// swapped (the lock word is free in that state; only the marker makes every lock fail).
int CEventSelect_mutex_clear_unrecoverable(pthread_mutex_t *mutex);
/// The calling thread's id (gettid is hidden from Swift's Glibc module): a lock word names it.
pid_t CEventSelect_gettid(void);
/// FUTEX_TID_MASK: the owner-thread bits of a lock word.
enum { CEventSelect_FUTEX_TID_MASK = 0x3fffffff };

// ---- atomics on shared words (C11 memory model, __atomic builtins) -------------------------------

static inline uint32_t CEventSelect_load_acquire_u32(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline uint32_t CEventSelect_load_relaxed_u32(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
static inline void CEventSelect_store_release_u32(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline void CEventSelect_store_relaxed_u32(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }
static inline uint32_t CEventSelect_fetch_add_u32(uint32_t *p, uint32_t v) { return __atomic_fetch_add(p, v, __ATOMIC_ACQ_REL); }

// ---- descriptor and credential passing ------------------------------------------------------------

/// setsockopt(SO_PASSCRED, 1): every datagram then arrives with its sender's kernel-verified
/// pid, uid and gid (SCM_CREDENTIALS; a sender cannot forge them without CAP_SYS_ADMIN).
int CEventSelect_set_passcred(int socket);
/// recvmsg of up to `len` bytes with the sender's credentials (*pid = -1 and *uid = (uid_t)-1
/// when none came) and address. Any descriptors that came along (SCM_RIGHTS) are closed at once:
/// nobody can fill this process's descriptor table through it.
ssize_t CEventSelect_recv_with_credentials(int socket, void *payload, size_t len, pid_t *pid, uid_t *uid,
                                           struct sockaddr_un *from, socklen_t *fromlen);
/// sendmsg to `to` of `len` bytes and one descriptor in SCM_RIGHTS (CMSG_* are macros).
ssize_t CEventSelect_send_fd_to(int socket, int fd, const void *payload, size_t len, const struct sockaddr_un *to,
                                socklen_t tolen);
/// recvmsg of one SCM_RIGHTS descriptor (stored in *fd, -1 if none; any further ones are closed)
/// and up to `len` bytes; *truncated = 1 when the kernel dropped descriptors (MSG_CTRUNC: the
/// descriptor table was full).
ssize_t CEventSelect_recv_fd(int socket, int *fd, void *payload, size_t len, int *truncated);

#ifdef __cplusplus
}
#endif
#endif
