/* Kept apart from layout.c: <unistd.h> and the compat headers declare gethostname and socklen_t
 * differently (POSIX vs Winsock), so no file includes both. */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>
#include "CEventSelectWinsock.h"

int CEventSelectWinsock_gettid(void) { return (int)syscall(SYS_gettid); }
