import Glibc
import SystemPackage

// An owning socket handle: the one descriptor it holds is closed through its notifier when the
// value is consumed or goes out of scope, so the close that keeps EventSelect's bookkeeping right
// (`Notifier.close`, docs/SEMANTICS.md rule 17) is the one that happens without thinking about it.
// `FileDescriptor.close()` or Glibc's `close` would bypass the library (README, "Closing").

/// A socket that owns its descriptor and closes it through its notifier.
///
/// `Socket` is noncopyable: exactly one value owns the descriptor, and when that value is consumed
/// (``close()``) or goes out of scope, the descriptor is closed with ``Notifier/close(_:)``, which
/// ends the descriptor's part in the socket's registration. Every call forwards to the notifier, so
/// the semantics are those of the ``Notifier`` calls of the same names.
///
/// ```swift
/// let listener = try Socket(.ipv4)
/// try listener.bind(to: .loopbackIPv4())
/// try listener.listen()
/// print("listening on", try listener.localAddress())
/// ```
///
/// Use ``fileDescriptor`` where a `FileDescriptor` is wanted (a `SocketMessage` carries one), and
/// ``releaseDescriptor()`` to hand ownership to code that closes it itself.
public struct Socket: ~Copyable, Sendable {
    /// The descriptor this value owns. Do not close it yourself: consume the `Socket` instead.
    public let fileDescriptor: FileDescriptor
    // Unmanaged keeps the stored properties trivial, which `discard self` requires; the reference
    // is retained in init and released exactly once, by deinit, close() or releaseDescriptor().
    private let owner: Unmanaged<Notifier>

    /// The notifier the calls go through.
    public var notifier: Notifier { owner.takeUnretainedValue() }

    /// Takes ownership of `descriptor`: from now on this value closes it.
    public init(adopting descriptor: FileDescriptor, notifier: Notifier = .shared) {
        fileDescriptor = descriptor
        owner = .passRetained(notifier)
    }

    /// Creates a socket of `family` and `type`. Models `socket`.
    public init(_ family: SocketAddress.Family, _ type: SocketType = .stream, notifier: Notifier = .shared)
        throws(Errno)
    {
        self.init(adopting: try notifier.socket(family, type), notifier: notifier)
    }

    /// Imports a socket duplicated for this process by ``Notifier/duplicateSocket(_:for:)``.
    /// Models `WSASocket(FROM_PROTOCOL_INFO)` (docs/SEMANTICS.md rule 18).
    public init(importing info: SocketProtocolInfo, notifier: Notifier = .shared) throws(Errno) {
        self.init(adopting: try notifier.socket(from: info), notifier: notifier)
    }

    deinit {
        // Nobody can catch an error here; `close()` is the form that reports one.
        try? notifier.close(fileDescriptor)
        owner.release()
    }

    /// Closes the descriptor through the notifier. Models `closesocket` (docs/SEMANTICS.md rule 17).
    /// - Throws: what ``Notifier/close(_:)`` throws; the descriptor is gone either way.
    public consuming func close() throws(Errno) {
        let descriptor = fileDescriptor
        let notifier = owner.takeRetainedValue()
        discard self
        try notifier.close(descriptor)
    }

    /// Gives up ownership without closing: the caller now owns the descriptor.
    public consuming func releaseDescriptor() -> FileDescriptor {
        let descriptor = fileDescriptor
        owner.release()
        discard self
        return descriptor
    }

    // MARK: addresses

    /// Binds to a local address. Models `bind`.
    public func bind(to address: SocketAddress) throws(Errno) { try notifier.bind(fileDescriptor, to: address) }

    /// Listens for connections. Models `listen`.
    public func listen(backlog: CInt = SOMAXCONN) throws(Errno) {
        try notifier.listen(fileDescriptor, backlog: backlog)
    }

    /// Connects; on a selected socket FD_CONNECT reports the outcome (docs/SEMANTICS.md rule 4).
    public func connect(to address: SocketAddress) throws(Errno) { try notifier.connect(fileDescriptor, to: address) }

    /// The local address. Models `getsockname`.
    public func localAddress() throws(Errno) -> SocketAddress { try notifier.localAddress(of: fileDescriptor) }

    /// The peer's address. Models `getpeername`.
    public func remoteAddress() throws(Errno) -> SocketAddress { try notifier.remoteAddress(of: fileDescriptor) }

    // MARK: data

    /// Accepts a connection, which inherits this socket's selection (docs/SEMANTICS.md rule 16).
    public func accept() throws(Errno) -> Socket {
        Socket(adopting: try notifier.accept(fileDescriptor), notifier: notifier)
    }

    /// Receives into `buffer`; re-enables FD_READ (FD_OOB with `MSG_OOB`) (docs/SEMANTICS.md rule 9).
    /// - Returns: the byte count; 0 at end of stream.
    public func receive(into buffer: UnsafeMutableRawBufferPointer, flags: CInt = 0) throws(Errno) -> Int {
        try notifier.receive(fileDescriptor, into: buffer, flags: flags)
    }

    /// Receives up to `maximumCount` bytes; re-enables FD_READ (docs/SEMANTICS.md rule 9).
    /// - Returns: the bytes; empty at end of stream.
    public func receive(maximumCount: Int, flags: CInt = 0) throws(Errno) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: maximumCount)
        // Array's closures rethrow untyped errors: carry the Errno out in a Result.
        let count = try bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(Errno) in try notifier.receive(fileDescriptor, into: buffer, flags: flags) }
        }.get()
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Sends `bytes`; only a send that would block re-enables FD_WRITE (docs/SEMANTICS.md rule 9).
    /// - Returns: the byte count sent, which may be less than `bytes.count`.
    public func send(_ bytes: UnsafeRawBufferPointer, flags: CInt = 0) throws(Errno) -> Int {
        try notifier.send(fileDescriptor, bytes, flags: flags)
    }

    /// Sends `bytes`; only a send that would block re-enables FD_WRITE (docs/SEMANTICS.md rule 9).
    /// - Returns: the byte count sent, which may be less than `bytes.count`.
    public func send(_ bytes: [UInt8], flags: CInt = 0) throws(Errno) -> Int {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(Errno) in try notifier.send(fileDescriptor, buffer, flags: flags) }
        }.get()
    }

    /// Shuts down part of the connection; never records FD_CLOSE locally (docs/SEMANTICS.md rule 5).
    public func shutdown(how: CInt) throws(Errno) { try notifier.shutdown(fileDescriptor, how: how) }

    /// Blocking or non-blocking; blocking fails with EINVAL while selected (docs/SEMANTICS.md rule 15).
    public func setBlocking(_ blocking: Bool) throws(Errno) { try notifier.setBlocking(fileDescriptor, blocking) }

    // MARK: selection

    /// Selects `events` with `event`. Models `WSAEventSelect`; see ``Notifier/eventSelect(_:_:_:)``.
    public func eventSelect(_ event: SocketEvent, _ events: NetworkEvents) throws(Errno) {
        try notifier.eventSelect(fileDescriptor, event, events)
    }

    /// Selects `events`, posting `message` to `queue`. Models `WSAAsyncSelect`; see
    /// ``Notifier/asyncSelect(_:_:message:_:)``.
    public func asyncSelect(_ queue: MessageQueue, message: UInt32, _ events: NetworkEvents) throws(Errno) {
        try notifier.asyncSelect(fileDescriptor, queue, message: message, events)
    }

    /// Reads and clears the record, resetting `event`. Models `WSAEnumNetworkEvents`.
    public func enumNetworkEvents(resetting event: SocketEvent?) throws(Errno) -> NetworkEventRecord {
        try notifier.enumNetworkEvents(fileDescriptor, resetting: event)
    }

    /// Duplicates this socket for process `pid`. Models `WSADuplicateSocket` (docs/SEMANTICS.md rule 18).
    public func duplicate(for process: pid_t) throws(Errno) -> SocketProtocolInfo {
        try notifier.duplicateSocket(fileDescriptor, for: process)
    }
}
