import SystemPackage

/// What `duplicateSocket` hands to another process: plain bytes that may cross any IPC channel
/// (a pipe, a file, a message). Models `WSAPROTOCOL_INFO` as `WSADuplicateSocket` fills it.
///
/// The bytes name the exporting process, the process allowed to import, the socket (inode and
/// cookie), its family, type and protocol, and a random nonce recorded in the cross-process table;
/// an import must match all of them. Forged or stale bytes fail to import with a clear error, never
/// yielding another socket.
public struct SocketProtocolInfo: Sendable, Equatable {
    /// The bytes, to send over a pipe, a file or a message.
    public let bytes: [UInt8]

    /// The length of the encoding.
    static let length = 60
    static let magic: UInt32 = 0x4950_5345  // "ESPI"
    static let version: UInt16 = 1

    /// Rebuilds the information from bytes received over IPC. Any bytes are accepted here: whether
    /// they describe a socket this process may import is decided by `Notifier.socket(from:)`, which
    /// rejects forged, truncated, stale or foreign information with a clear error.
    public init(bytes: [UInt8]) throws(Errno) {
        self.bytes = bytes
    }

    /// Whether the bytes have the shape of EventSelect socket information (length, magic, version,
    /// checksum).
    var isWellFormed: Bool {
        bytes.count == SocketProtocolInfo.length && Fields.read32(bytes, 0) == SocketProtocolInfo.magic
            && UInt16(truncatingIfNeeded: Fields.read32(bytes, 4)) == SocketProtocolInfo.version
            && fields.checksum == Fields.read32(bytes, 56)
    }

    init(_ fields: Fields) {
        var bytes = [UInt8](repeating: 0, count: SocketProtocolInfo.length)
        Fields.write32(&bytes, 0, SocketProtocolInfo.magic)
        Fields.write32(&bytes, 4, UInt32(SocketProtocolInfo.version))
        Fields.write32(&bytes, 8, UInt32(bitPattern: fields.sourcePID))
        Fields.write32(&bytes, 12, UInt32(bitPattern: fields.targetPID))
        Fields.write32(&bytes, 16, UInt32(fields.exportIndex))
        Fields.write32(&bytes, 20, UInt32(bitPattern: fields.family))
        Fields.write32(&bytes, 24, UInt32(bitPattern: fields.type))
        Fields.write32(&bytes, 28, UInt32(bitPattern: fields.protocol))
        Fields.write64(&bytes, 32, fields.inode)
        Fields.write64(&bytes, 40, fields.cookie)
        Fields.write64(&bytes, 48, fields.nonce)
        Fields.write32(&bytes, 56, fields.checksum)
        self.bytes = bytes
    }

    var fields: Fields {
        Fields(
            sourcePID: Int32(bitPattern: Fields.read32(bytes, 8)),
            targetPID: Int32(bitPattern: Fields.read32(bytes, 12)),
            exportIndex: Int(Fields.read32(bytes, 16)),
            family: Int32(bitPattern: Fields.read32(bytes, 20)),
            type: Int32(bitPattern: Fields.read32(bytes, 24)),
            protocol: Int32(bitPattern: Fields.read32(bytes, 28)),
            inode: Fields.read64(bytes, 32),
            cookie: Fields.read64(bytes, 40),
            nonce: Fields.read64(bytes, 48))
    }

    /// The decoded fields (little-endian on the wire).
    struct Fields {
        var sourcePID: Int32
        var targetPID: Int32
        var exportIndex: Int
        var family: Int32
        var type: Int32
        var `protocol`: Int32
        var inode: UInt64
        var cookie: UInt64
        var nonce: UInt64

        /// A cheap integrity check over the fields (not security: the nonce is that).
        var checksum: UInt32 {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for value in [UInt64(UInt32(bitPattern: sourcePID)), UInt64(UInt32(bitPattern: targetPID)), UInt64(exportIndex), inode, cookie, nonce] {
                hash = (hash ^ value) &* 0x100_0000_01B3
            }
            return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
        }

        static func read32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
        }

        static func read64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
            UInt64(read32(bytes, offset)) | UInt64(read32(bytes, offset + 4)) << 32
        }

        static func write32(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt32) {
            for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        }

        static func write64(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt64) {
            write32(&bytes, offset, UInt32(truncatingIfNeeded: value))
            write32(&bytes, offset + 4, UInt32(truncatingIfNeeded: value >> 32))
        }
    }
}
