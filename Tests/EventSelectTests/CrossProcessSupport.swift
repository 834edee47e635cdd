// Fixtures for the security and cross-process fault tests: private registry locations, the
// registry file's layout offsets (to corrupt or forge it as an attacker would), hex info bytes.
import EventSelect
import Glibc
import SystemPackage
import Testing

/// The uid the attacks run as (no passwd entry needed: setpriv sets it directly).
let attackerUID: uid_t = 4244

/// This user's EventSelect directory (the default location).
var userDirectory: String { "/dev/shm/eventselect-\(geteuid())" }

func hexBytes(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 15)]]) }.joined()
}

/// A private EventSelect directory for one test (its own registry, doorbells and key), removed by
/// `remove()`. Processes started with `environment` use it; `slots` sizes a new registry.
final class PrivateRegistry {
    let path: String

    init() throws {
        var template = Array("/dev/shm/eventselect-test-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Errno(rawValue: errno)
        }
        path = String(cString: made)
    }

    func environment(slots: Int = 1024, backend: NotifierBackend = .automatic) -> [String] {
        var variables = ["EVENTSELECT_DIR=\(path)", "EVENTSELECT_REGISTRY_SLOTS=\(slots)"]
        if backend == .epoll { variables.append("EVENTSELECT_FORCE_EPOLL=1") }
        return variables
    }

    var registryFile: String { path + "/registry-v8" }

    /// Removes the directory and what is in it (files only; subdirectories one level deep).
    func remove() {
        removeTree(path)
    }

    deinit { remove() }
}

func removeTree(_ path: String) {
    guard let stream = opendir(path) else {
        _ = unlink(path)
        return
    }
    var names: [String] = []
    while let entry = readdir(stream) {
        let name = withUnsafePointer(to: &entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 1) { String(cString: $0) }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    closedir(stream)
    for name in names {
        let child = path + "/" + name
        var info = stat()
        if lstat(child, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR {
            removeTree(child)
        } else {
            _ = unlink(child)
        }
    }
    _ = rmdir(path)
}

/// Offsets in the registry file (CEventSelectShared.h, version 8), for tests that corrupt it.
enum RegistryLayout {
    static let magic = 0
    static let version = 4
    static let slotCount = 8
    static let used = 12
    static let nextSlot = 20
    static let freeHead = 24
    static let tombstones = 28
    static let reclaimCursor = 32
    static let tableLock = 48
    static let exportsOffset = 88
    static let exportSize = 56
    static let exportCount = 1024
    static let stripes = exportsOffset + exportSize * exportCount
    static let stripeCount = 4096
    static let mutexSize = 40
    static let overflowHolders = 2048 * 8
    static var bucketsOffset: Int { (stripes + stripeCount * mutexSize + overflowHolders + 4095) & ~4095 }
    static func slotsOffset(slotCount: Int) -> Int { (bucketsOffset + slotCount * 8 + 4095) & ~4095 }
    static let slotSize = 128
}

/// Writes `bytes` at `offset` of the file at `path`.
func overwrite(_ path: String, at offset: Int, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { throw Errno(rawValue: errno) }
    defer { close(fd) }
    let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
    guard written == bytes.count else { throw Errno(rawValue: errno) }
}

func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) } }

/// The answer "ok <a> <b>" split into its numbers.
func numbers(_ answer: String) -> [Int] {
    answer.split(separator: " ").dropFirst().compactMap { Int($0) }
}

/// A pid that no process has now: a peer's, after it exited and was reaped.
func exitedPID() throws -> pid_t {
    let peer = try PeerProcess()
    let pid = peer.pid
    peer.terminate()
    return pid
}

func unhexForTest(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex, let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) {
        bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
        index = next
    }
    return bytes
}

/// A little-endian 32-bit word of the file at `path`.
func readWord(_ path: String, at offset: Int) throws -> UInt32 {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw Errno(rawValue: errno) }
    defer { close(fd) }
    var word: UInt32 = 0
    guard pread(fd, &word, 4, off_t(offset)) == 4 else { throw Errno(rawValue: errno) }
    return UInt32(littleEndian: word)
}

/// Waits until `condition` holds, looking again every millisecond, for at most `mustHappen`.
func waitUntil(_ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + mustHappen
    while ContinuousClock.now < deadline {
        if condition() { return true }
        var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
        nanosleep(&pause, nil)
    }
    return condition()
}
