import CEventSelect
import Glibc
import SystemPackage

/// The io_uring backend (placeholder until it lands): creating it fails with ENOSYS so that
/// `.automatic` falls back to epoll.
final class URingBackend: Backend {
    let kind = NotifierBackend.ioUring
    var readinessFD: CInt { -1 }

    init() throws(Errno) {
        throw .noFunction
    }

    func arm(_ fd: CInt, token: UInt64) throws(Errno) {}
    func disarm(_ fd: CInt, token: UInt64) throws(Errno) {}
    func reap(nanoseconds: Int64?, _ handle: (UInt64, UInt32) -> Void) throws(Errno) -> Int { 0 }
    func interrupt() {}
}
