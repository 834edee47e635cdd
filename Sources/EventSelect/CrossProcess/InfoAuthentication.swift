// The key that authenticates `SocketProtocolInfo` bytes, and the MAC itself (SipHash-2-4, a keyed
// pseudo-random function with a 128-bit key). Separate because it is the one secret of the design:
// 16 random bytes in the user directory (file `info-key`, mode 0600), readable by this user only,
// so another user can neither forge nor alter information that an import accepts.
import Glibc
import Synchronization
import SystemPackage

enum InfoAuthentication {
    private static let cached = Mutex<(UInt64, UInt64)?>(nil)
    static let fileName = "info-key"

    /// The user's key, created on first use.
    /// - Throws: what the user directory throws (EACCES for an unsafe one), EINVAL for a key file
    ///   of the wrong size.
    static func key() throws(Errno) -> (UInt64, UInt64) {
        try cached.withLock { (key: inout (UInt64, UInt64)?) throws(Errno) -> (UInt64, UInt64) in
            if let key { return key }
            for _ in 0..<4 {
                let fd: CInt
                do throws(Errno) {
                    fd = try UserDirectory.openFile(fileName, flags: O_RDONLY, size: 16)
                } catch .noSuchFileOrDirectory {
                    _ = try UserDirectory.publish(fileName, size: 16) { fd throws(Errno) in
                        var fresh = (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))
                        let written = try syscall { pwrite(fd, &fresh, 16, 0) }
                        if written != 16 { throw .ioError }
                    }
                    continue
                }
                defer { Glibc.close(fd) }
                var value = (UInt64(0), UInt64(0))
                let read = try syscall { pread(fd, &value, 16, 0) }
                guard read == 16 else { throw .invalidArgument }
                key = value
                return value
            }
            throw .resourceTemporarilyUnavailable
        }
    }

    /// SipHash-2-4 of `bytes` under `key`.
    static func mac(_ bytes: ArraySlice<UInt8>, key: (UInt64, UInt64)) -> UInt64 {
        var v0: UInt64 = 0x736f_6d65_7073_6575 ^ key.0
        var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ key.1
        var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ key.0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ key.1
        func round() {
            v0 = v0 &+ v1
            v1 = v1.rotatedLeft(13)
            v1 ^= v0
            v0 = v0.rotatedLeft(32)
            v2 = v2 &+ v3
            v3 = v3.rotatedLeft(16)
            v3 ^= v2
            v0 = v0 &+ v3
            v3 = v3.rotatedLeft(21)
            v3 ^= v0
            v2 = v2 &+ v1
            v1 = v1.rotatedLeft(17)
            v1 ^= v2
            v2 = v2.rotatedLeft(32)
        }
        let data = Array(bytes)
        let whole = data.count / 8 * 8
        var offset = 0
        while offset < whole {
            var m: UInt64 = 0
            for index in 0..<8 { m |= UInt64(data[offset + index]) << (8 * index) }
            v3 ^= m
            round()
            round()
            v0 ^= m
            offset += 8
        }
        var last = UInt64(data.count & 0xff) << 56
        for index in 0..<(data.count - whole) { last |= UInt64(data[whole + index]) << (8 * index) }
        v3 ^= last
        round()
        round()
        v0 ^= last
        v2 ^= 0xff
        round()
        round()
        round()
        round()
        return v0 ^ v1 ^ v2 ^ v3
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
