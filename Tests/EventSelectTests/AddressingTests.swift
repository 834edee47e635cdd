// SocketAddress and the Notifier calls that take one (socket, bind, listen, connect, getsockname,
// getpeername), and the owning `Socket`: the calls the README's examples start with.
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct SocketAddressTests {
    @Test func ipv4TextRoundTrips() throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 8080)
        #expect(address.family == .ipv4)
        #expect(address.port == 8080)
        #expect(address.ipAddress == "127.0.0.1")
        #expect(address.unixDomainSocketPath == nil)
        #expect(address.description == "127.0.0.1:8080")
        #expect(address == SocketAddress.loopbackIPv4(port: 8080))
    }

    @Test func ipv6TextRoundTrips() throws {
        let address = try SocketAddress(ipAddress: "::1", port: 443)
        #expect(address.family == .ipv6)
        #expect(address.port == 443)
        #expect(address.ipAddress == "::1")
        #expect(address.description == "[::1]:443")
        #expect(address == SocketAddress.loopbackIPv6(port: 443))
        #expect(try SocketAddress(ipAddress: "fe80::1:2", port: 1).ipAddress == "fe80::1:2")
    }

    @Test func unixPathRoundTrips() throws {
        let address = try SocketAddress(unixDomainSocketPath: "/run/x.sock")
        #expect(address.family == .unix)
        #expect(address.port == nil)
        #expect(address.ipAddress == nil)
        #expect(address.unixDomainSocketPath == "/run/x.sock")
        #expect(address.description == "unix:/run/x.sock")
    }

    /// Through `sockaddr` and back: what the kernel would be given is what is read.
    @Test(arguments: ["10.1.2.3", "::ffff:10.1.2.3", "2001:db8::7"])
    func sockaddrRoundTrips(text: String) throws {
        let address = try SocketAddress(ipAddress: text, port: 4242)
        let back = try address.withUnsafeSockAddr { pointer, length in try SocketAddress(pointer, length: length) }
        #expect(back == address)
        #expect(back.ipAddress == text)
    }

    @Test func unixSockaddrLengths() throws {
        let path = try SocketAddress(unixDomainSocketPath: "/tmp/a")
        path.withUnsafeSockAddr { _, length in
            #expect(Int(length) == MemoryLayout<sa_family_t>.size + 7)  // path and its NUL
        }
        let abstract = try SocketAddress(unixDomainSocketPath: "\0name")
        abstract.withUnsafeSockAddr { _, length in
            #expect(Int(length) == MemoryLayout<sa_family_t>.size + 5)  // exactly the name's bytes
        }
        #expect(try abstract.withUnsafeSockAddr { try SocketAddress($0, length: $1) } == abstract)
    }

    @Test func badTextIsEINVAL() {
        for text in ["localhost", "", "1.2.3", "::g", "127.0.0.1:80"] {
            #expect(throws: Errno.invalidArgument) { try SocketAddress(ipAddress: text, port: 1) }
        }
        #expect(throws: Errno.invalidArgument) { try SocketAddress(unixDomainSocketPath: "") }
        #expect(throws: Errno.fileNameTooLong) {
            try SocketAddress(unixDomainSocketPath: String(repeating: "x", count: 108))
        }
    }

    @Test func unknownFamilyIsEAFNOSUPPORT() {
        var raw = sockaddr_storage()
        raw.ss_family = sa_family_t(AF_PACKET)
        let result = withUnsafePointer(to: &raw) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                Result { () throws(Errno) in
                    try SocketAddress(address, length: socklen_t(MemoryLayout<sockaddr_storage>.size))
                }
            }
        }
        #expect(throws: Errno.addressFamilyNotSupported) { try result.get() }
    }

    @Test func socketTypesAreGlibcs() {
        #expect(SocketType.stream.rawValue == CInt(SOCK_STREAM.rawValue))
        #expect(SocketType.datagram.rawValue == CInt(SOCK_DGRAM.rawValue))
        #expect(SocketType.sequencedPacket.rawValue == CInt(SOCK_SEQPACKET.rawValue))
        #expect(SocketAddress.Family.ipv4.rawValue == AF_INET)
        #expect(SocketAddress.Family.unix.rawValue == AF_UNIX)
    }
}

@Suite struct NotifierAddressingTests {
    /// socket, bind (port 0), listen, getsockname, connect, accept, getpeername: the addresses agree.
    @Test(arguments: testBackends)
    func tcpLoopbackAddressesAgree(backend: NotifierBackend) throws {
        let n = try Notifier(backend: backend)
        let listener = try n.socket(.ipv4, .stream)
        defer { try? n.close(listener) }
        try n.bind(listener, to: .loopbackIPv4())
        try n.listen(listener)
        let bound = try n.localAddress(of: listener)
        #expect(bound.ipAddress == "127.0.0.1")
        #expect(bound.port != 0)

        let client = try n.socket(.ipv4)
        defer { try? n.close(client) }
        try n.connect(client, to: bound)
        let server = try n.accept(listener)
        defer { try? n.close(server) }
        #expect(try n.remoteAddress(of: client) == bound)
        #expect(try n.remoteAddress(of: server) == (try n.localAddress(of: client)))
    }

    /// A selected client connecting by `SocketAddress` gets FD_CONNECT and FD_WRITE (rule 4).
    @Test(arguments: testBackends)
    func selectedConnectByAddressRecordsConnect(backend: NotifierBackend) throws {
        let n = try Notifier(backend: backend)
        let listener = try n.socket(.ipv4)
        defer { try? n.close(listener) }
        try n.bind(listener, to: .loopbackIPv4())
        try n.listen(listener)
        let client = try n.socket(.ipv4)
        defer { try? n.close(client) }
        let event = try SocketEvent()
        try n.eventSelect(client, event, [.connect, .write])
        try n.connect(client, to: try n.localAddress(of: listener))
        let record = try evCollect(n, client, event, [.connect, .write])
        #expect(record.events == [.connect, .write])
        #expect(record.error(for: .connect) == nil)
    }

    @Test(arguments: testBackends)
    func unixPathListenerAndAbstractName(backend: NotifierBackend) throws {
        let n = try Notifier(backend: backend)
        for name in ["/tmp/eventselect-test-\(getpid())-\(backend).sock", "\0eventselect-test-\(getpid())-\(backend)"] {
            let path = try SocketAddress(unixDomainSocketPath: name)
            if name.hasPrefix("/") { unlink(name) }
            defer { if name.hasPrefix("/") { unlink(name) } }
            let listener = try n.socket(.unix)
            defer { try? n.close(listener) }
            try n.bind(listener, to: path)
            try n.listen(listener)
            #expect(try n.localAddress(of: listener) == path)
            let client = try n.socket(.unix)
            defer { try? n.close(client) }
            try n.connect(client, to: path)
            #expect(try n.remoteAddress(of: client) == path)
        }
    }

    @Test func badDescriptorsAndNotSockets() throws {
        let n = Notifier.shared
        #expect(throws: Errno.badFileDescriptor) { try n.bind(FileDescriptor(rawValue: -1), to: .loopbackIPv4()) }
        #expect(throws: Errno.badFileDescriptor) { try n.listen(FileDescriptor(rawValue: -1)) }
        #expect(throws: Errno.badFileDescriptor) { try n.localAddress(of: FileDescriptor(rawValue: -1)) }
        #expect(throws: Errno.badFileDescriptor) {
            try n.connect(FileDescriptor(rawValue: -1), to: .loopbackIPv4(port: 9))
        }
        var fds: [CInt] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { closeQuietly(FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1])) }
        let readEnd = FileDescriptor(rawValue: fds[0])
        #expect(throws: Errno.notSocket) { try n.bind(readEnd, to: .loopbackIPv4()) }
        #expect(throws: Errno.notSocket) { try n.listen(readEnd) }
        #expect(throws: Errno.notSocket) { try n.remoteAddress(of: readEnd) }
        #expect(fcntl(fds[0], F_GETFD) >= 0)  // left open
        let lone = try n.socket(.ipv4)
        defer { try? n.close(lone) }
        #expect(throws: Errno.socketNotConnected) { try n.remoteAddress(of: lone) }
    }
}

@Suite struct SocketOwnerTests {
    /// Whether the peer of a socketpair end has seen the other end closed (EOF), waiting up to
    /// `timeout`. Descriptor numbers are reused by tests running in parallel, so closure is observed
    /// through the connection, not by the number.
    private func peerSeesEOF(_ peer: FileDescriptor, timeout: Duration) -> Bool {
        var entry = pollfd(fd: peer.rawValue, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, CInt(timeout.components.seconds * 1000)) == 1 else { return false }
        var byte: UInt8 = 0
        return recv(peer.rawValue, &byte, 1, CInt(MSG_DONTWAIT)) == 0
    }

    /// Going out of scope closes the descriptor; `close()` closes it; `releaseDescriptor()` hands it
    /// over open.
    @Test(arguments: testBackends)
    func ownershipEndsInOneClose(backend: NotifierBackend) throws {
        let n = try Notifier(backend: backend)
        do {
            let (end, peer) = try makePair(.unix)
            defer { closeQuietly(peer) }
            do {
                let socket = Socket(adopting: end, notifier: n)
                try socket.eventSelect(try SocketEvent(), [.read])
                #expect(!peerSeesEOF(peer, timeout: .zero))
            }
            #expect(peerSeesEOF(peer, timeout: mustHappen))
        }
        do {
            let (end, peer) = try makePair(.unix)
            defer { closeQuietly(peer) }
            let socket = Socket(adopting: end, notifier: n)
            try socket.close()
            #expect(peerSeesEOF(peer, timeout: mustHappen))
        }
        do {
            let (end, peer) = try makePair(.unix)
            defer { closeQuietly(peer) }
            let socket = Socket(adopting: end, notifier: n)
            let raw = socket.releaseDescriptor()
            #expect(raw == end)
            #expect(!peerSeesEOF(peer, timeout: .zero))
            try n.close(raw)
            #expect(peerSeesEOF(peer, timeout: mustHappen))
        }
    }

    /// The owning type end to end: listen, connect, accept (inheriting the selection, rule 16),
    /// send, receive, and the accepted socket's FD_WRITE message carries its own descriptor.
    @Test(arguments: testBackends)
    func socketServesAConnection(backend: NotifierBackend) throws {
        let n = try Notifier(backend: backend)
        let listener = try Socket(.ipv4, notifier: n)
        try listener.bind(to: .loopbackIPv4())
        try listener.listen()
        let queue = try MessageQueue()
        try listener.asyncSelect(queue, message: 0x8001, [.accept, .read, .write])

        let client = try Socket(.ipv4, notifier: n)
        try client.connect(to: try listener.localAddress())
        let accept = try #require(try queue.next(timeout: mustHappen))
        #expect(accept.event == .accept)
        let server = try listener.accept()
        let write = try #require(try queue.next(timeout: mustHappen))
        #expect(write.event == .write)
        #expect(write.socket == server.fileDescriptor)

        #expect(try client.send(Array("hello".utf8)) == 5)
        let read = try #require(try queue.next(timeout: mustHappen))
        #expect(read.event == .read)
        #expect(try server.receive(maximumCount: 16) == Array("hello".utf8))
        #expect(try server.remoteAddress() == (try client.localAddress()))
        try client.close()
        try server.close()
        try listener.close()
    }
}
