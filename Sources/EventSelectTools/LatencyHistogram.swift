// Latency percentiles for the demo and the benchmark: HdrHistogram (3 significant digits, fixed
// memory, no sorting of samples), recorded in nanoseconds and read in microseconds.
import Histogram

package struct LatencyHistogram: Sendable {
    private var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)

    package init() {}

    /// Records one latency; values beyond a minute are clamped to it.
    package mutating func record(nanoseconds: Int64) {
        _ = histogram.record(UInt64(min(max(nanoseconds, 1), 60_000_000_000)))
    }

    /// Adds another histogram's samples (per-thread histograms merged for a report).
    package mutating func add(_ other: LatencyHistogram) { histogram.add(other.histogram) }

    package mutating func reset() { histogram.reset() }

    package var count: Int { Int(histogram.totalCount) }

    /// The latency at percentile `p` (0...100), in microseconds; 0 with no samples.
    package func microseconds(atPercentile p: Double) -> Double {
        count == 0 ? 0 : Double(histogram.valueAtPercentile(p)) / 1000
    }
}
