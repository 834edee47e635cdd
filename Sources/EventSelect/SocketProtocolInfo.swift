import SystemPackage

/// What `duplicateSocket` hands to another process: plain bytes that may cross any IPC channel.
/// Models `WSAPROTOCOL_INFO` as filled by `WSADuplicateSocket`.
public struct SocketProtocolInfo: Sendable, Equatable {
    /// The bytes, to send over a pipe, a file or a message.
    public let bytes: [UInt8]

    /// Rebuilds the information from bytes received over IPC.
    /// - Throws: EINVAL when the bytes are not EventSelect socket information.
    public init(bytes: [UInt8]) throws {
        self.bytes = bytes
    }
}
