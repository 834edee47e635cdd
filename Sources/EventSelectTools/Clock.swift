// The tools' one monotonic clock (the demo's ticks and latencies, the benchmark's timed regions, the
// child processes' bounded waits), in integer nanoseconds so that hot loops do no Duration arithmetic.
import Glibc

package enum Clock {
    /// CLOCK_MONOTONIC, in nanoseconds.
    @inline(__always)
    package static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Sleeps until a time of `now()` (the demo's progress ticks; never used as synchronisation).
    package static func sleep(until deadline: Int64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }
}
