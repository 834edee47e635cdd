// The result rows as JSON lines (the peers' schema: one flat object per line with peer, workload,
// transport, connections, ns_per_op, ops_per_s, bytes_per_socket, iterations, plus any number of
// extra numeric fields), written with JSONEncoder and read with JSONDecoder.
import Foundation

extension BenchResult: Codable {
    /// A key of the flat object: the schema's fields and the extras share one namespace.
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static let schema = [
        "peer", "workload", "transport", "connections", "ns_per_op", "ops_per_s",
        "bytes_per_socket", "iterations",
    ]

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(peer, forKey: Key("peer"))
        try container.encode(workload, forKey: Key("workload"))
        try container.encode(transport, forKey: Key("transport"))
        try container.encode(connections, forKey: Key("connections"))
        try Self.encode(nsPerOp, "ns_per_op", &container)
        try Self.encode(opsPerS, "ops_per_s", &container)
        try Self.encode(bytesPerSocket, "bytes_per_socket", &container)
        try container.encode(iterations, forKey: Key("iterations"))
        for (key, value) in extra { try Self.encode(value, key, &container) }
    }

    /// One decimal place; null for a missing or non-finite value (JSON has no NaN).
    private static func encode(_ value: Double?, _ key: String, _ container: inout KeyedEncodingContainer<Key>) throws {
        if let value, value.isFinite {
            try container.encode((value * 10).rounded() / 10, forKey: Key(key))
        } else {
            try container.encodeNil(forKey: Key(key))
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        func number(_ key: String) throws -> Double? { try container.decodeIfPresent(Double.self, forKey: Key(key)) }
        peer = try container.decode(String.self, forKey: Key("peer"))
        workload = try container.decode(String.self, forKey: Key("workload"))
        transport = try container.decodeIfPresent(String.self, forKey: Key("transport")) ?? "unix"
        connections = Int(try number("connections") ?? 0)
        guard let ns = try number("ns_per_op") else {
            throw DecodingError.valueNotFound(
                Double.self, .init(codingPath: [Key("ns_per_op")], debugDescription: "a result needs ns_per_op"))
        }
        nsPerOp = ns
        opsPerS = try number("ops_per_s") ?? 1e9 / ns
        bytesPerSocket = try number("bytes_per_socket")
        iterations = Int(try number("iterations") ?? 0)
        // Extras: every other numeric field, in key order (strings, booleans and nulls are skipped).
        extra = container.allKeys.map(\.stringValue).filter { !Self.schema.contains($0) }.sorted().compactMap { key in
            (try? container.decode(Double.self, forKey: Key(key))).map { (key, $0) }
        }
    }

    /// The row as one JSON line.
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]  // stable lines from run to run
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses one result line; nil for anything that is not a result object (a peer's progress
    /// line, a malformed object).
    static func parse(_ line: String) -> BenchResult? {
        let text = line.trimmed()
        guard text.hasPrefix("{") else { return nil }
        return try? JSONDecoder().decode(BenchResult.self, from: Data(text.utf8))
    }
}
