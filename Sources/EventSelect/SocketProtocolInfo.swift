import SystemPackage

/// What `duplicateSocket` hands to another process: plain bytes that may cross any IPC channel
/// (a pipe, a file, a message). Models `WSAPROTOCOL_INFO` as `WSADuplicateSocket` fills it.
///
/// The bytes name the exporting process, the process allowed to import, the socket (inode and
/// cookie), its family, type and protocol, and a random nonce recorded in the cross-process table;
/// an import must match all of them. A MAC under the user's key (docs/SECURITY.md) covers every
/// byte, so bytes that are forged, altered in any byte, or made by another user fail to import with
/// a clear error, never yielding another socket.
public struct SocketProtocolInfo: Sendable, Equatable {
    /// The bytes, to send over a pipe, a file or a message.
    public let bytes: [UInt8]

    /// The length of the encoding: 56 bytes of fields and an 8-byte MAC over all of them.
    static let length = 64
    static let macOffset = 56
    static let magic: UInt32 = 0x4950_5345  // "ESPI"
    static let version: UInt32 = 2

    /// Rebuilds the information from bytes received over IPC. Any bytes are accepted here: whether
    /// they describe a socket this process may import is decided by `Notifier.socket(from:)`, which
    /// rejects forged, truncated, altered, stale or foreign information with a clear error.
    public init(bytes: [UInt8]) throws(Errno) {
        self.bytes = bytes
    }

    /// The fields, if the bytes are EventSelect socket information made by this user: the length,
    /// magic and version hold and the MAC (SipHash-2-4 under the user's key, in the 0700 user
    /// directory) covers every other byte, so a single altered byte is rejected.
    func authenticated(key: (UInt64, UInt64)) -> Fields? {
        guard bytes.count == SocketProtocolInfo.length, Fields.read32(bytes, 0) == SocketProtocolInfo.magic,
            Fields.read32(bytes, 4) == SocketProtocolInfo.version,
            Fields.read64(bytes, SocketProtocolInfo.macOffset)
                == InfoAuthentication.mac(bytes[..<SocketProtocolInfo.macOffset], key: key)
        else { return nil }
        return fields
    }

    init(_ fields: Fields, key: (UInt64, UInt64)) {
        var bytes = [UInt8](repeating: 0, count: SocketProtocolInfo.length)
        Fields.write32(&bytes, 0, SocketProtocolInfo.magic)
        Fields.write32(&bytes, 4, SocketProtocolInfo.version)
        Fields.write32(&bytes, 8, UInt32(bitPattern: fields.sourcePID))
        Fields.write32(&bytes, 12, UInt32(bitPattern: fields.targetPID))
        Fields.write32(&bytes, 16, UInt32(fields.exportIndex))
        Fields.write32(&bytes, 20, UInt32(bitPattern: fields.family))
        Fields.write32(&bytes, 24, UInt32(bitPattern: fields.type))
        Fields.write32(&bytes, 28, UInt32(bitPattern: fields.protocol))
        Fields.write64(&bytes, 32, fields.inode)
        Fields.write64(&bytes, 40, fields.cookie)
        Fields.write64(&bytes, 48, fields.nonce)
        Fields.write64(
            &bytes, SocketProtocolInfo.macOffset,
            InfoAuthentication.mac(bytes[..<SocketProtocolInfo.macOffset], key: key))
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
