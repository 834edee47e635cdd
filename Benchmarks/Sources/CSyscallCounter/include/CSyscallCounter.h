// Per-thread counters for the micro-benchmarks. ordo-one/benchmark does not support its
// `syscalls` and `contextSwitches` metrics on Linux, so the benchmarks record their own:
// system calls through perf_event_open on the raw_syscalls:sys_enter tracepoint (needs tracefs
// and a permissive perf_event_paranoid, or root), context switches through getrusage(RUSAGE_THREAD).
#pragma once
#include <stdint.h>

/// A perf counter of this thread's system calls, or -1 (errno set) when unavailable.
int csc_syscall_counter_open(void);
/// The counter's value, or -1 on error.
int64_t csc_counter_read(int fd);
/// Voluntary plus involuntary context switches of this thread so far, or -1.
int64_t csc_context_switches(void);
