import EventSelect
import SystemPackage

var failure: Errno?
do {
    try Notifier.shared.eventSelect(FileDescriptor(rawValue: -1), try SocketEvent(), [.read])
} catch {
    failure = error                    // `error` is an Errno: no cast
}
print(failure == .badFileDescriptor)   // true: EBADF
