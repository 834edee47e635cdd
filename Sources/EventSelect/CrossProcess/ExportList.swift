// The registry's list of `duplicateSocket` exports: recording one, claiming it for its single
// import, finishing or undoing the claim, and reusing entries nobody can import any more. Every
// operation runs under the table lock and reads the entries as input (an out-of-range state reads
// as free). The process-local side (the stashed descriptors, the hand-over) is Exports.swift.
import CEventSelect
import Glibc
import SystemPackage

extension SharedTable {
    enum ExportState: UInt32 {
        case free = 0
        /// Waiting for its import.
        case waiting = 1
        /// An import is fetching the descriptor (attempt `attempt`).
        case claimed = 2
        case imported = 3
    }

    /// Exports one process may have waiting at once: a process that never has its exports
    /// imported cannot fill the list for the user's other processes.
    static let exportsPerProcess = 256

    func exportState(_ index: Int) -> ExportState {
        ExportState(rawValue: exports[index].state) ?? .free
    }

    /// Records an export and returns its index. Reuses, in order: a free entry, the entry imported
    /// longest ago, an entry whose source or target has exited (nobody can import it any more).
    /// Returns the pids of live sources whose entries were reused (they must close their stash).
    /// - Throws: ENOBUFS when this process already has `exportsPerProcess` exports waiting, or
    ///   every entry waits for a live import.
    func addExport(_ entry: CEventSelect_export) throws(Errno) -> (index: Int, notify: pid_t?) {
        var oldestImported: Int?
        var abandoned: Int?
        var mine = 0
        var alive: [pid_t: Bool] = [:]
        func exists(_ pid: pid_t) -> Bool {
            if pid == CurrentProcess.pid { return true }
            if let known = alive[pid] { return known }
            let known = processExists(pid)
            alive[pid] = known
            return known
        }
        for index in 0..<Int(CEventSelect_EXPORT_COUNT) {
            let existing = exports[index]
            switch exportState(index) {
            case .free:
                if oldestImported.map({ exportState($0) != .free }) ?? true { oldestImported = index }
            case .imported:
                if oldestImported.map({ exportState($0) == .imported && exports[$0].imported_at > existing.imported_at }
                )
                    ?? true
                {
                    oldestImported = index
                }
            case .waiting, .claimed:
                // Nobody can import an export whose source or target has exited: reusable.
                if !exists(existing.source_pid) || !exists(existing.target_pid) {
                    if abandoned == nil { abandoned = index }
                } else if existing.source_pid == entry.source_pid {
                    mine += 1
                }
            }
        }
        if mine >= SharedTable.exportsPerProcess { throw .noBufferSpace }
        guard let index = oldestImported ?? abandoned else { throw .noBufferSpace }
        let previousSource = exports[index].source_pid
        let reused = exportState(index) == .waiting || exportState(index) == .claimed
        let notify = reused && previousSource != entry.source_pid && exists(previousSource) ? previousSource : nil
        exports[index] = entry
        return (index, notify)
    }

    /// Claims export `index` for an import whose information says `fields`.
    /// - Throws: EINVAL when the entry does not match (forged, stale or reused); EALREADY when it
    ///   was imported or another import is fetching it.
    func claimExport(_ fields: SocketProtocolInfo.Fields) throws(Errno) -> (stash: CInt, attempt: UInt32) {
        let entry = exports + fields.exportIndex
        guard entry.pointee.nonce == fields.nonce, entry.pointee.inode == fields.inode,
            entry.pointee.cookie == fields.cookie, entry.pointee.source_pid == fields.sourcePID,
            entry.pointee.target_pid == fields.targetPID, exportState(fields.exportIndex) != .free
        else { throw .invalidArgument }
        guard exportState(fields.exportIndex) == .waiting else { throw .alreadyInProcess }
        entry.pointee.state = ExportState.claimed.rawValue
        entry.pointee.attempt &+= 1
        return (entry.pointee.stash_fd, entry.pointee.attempt)
    }

    /// Ends claim `attempt` of export `index`: imported, or (after a transient failure such as
    /// EMFILE) waiting again, so that a retry can still import it.
    func finishExport(_ index: Int, nonce: UInt64, attempt: UInt32, imported: Bool) {
        let entry = exports + index
        guard entry.pointee.nonce == nonce, entry.pointee.attempt == attempt, exportState(index) == .claimed else {
            return
        }
        if imported {
            entry.pointee.state = ExportState.imported.rawValue
            header.pointee.export_sequence &+= 1
            entry.pointee.imported_at = header.pointee.export_sequence
        } else {
            entry.pointee.state = ExportState.waiting.rawValue
        }
    }

    /// Whether the source may hand export `index` over to the process with kernel-verified
    /// credentials `pid`/`uid`: the entry is this process's, claimed by exactly that process
    /// (its target) in claim `attempt`, and the uid is ours.
    func mayHandOver(_ index: Int, nonce: UInt64, attempt: UInt32, to pid: pid_t, uid: uid_t) -> Bool {
        let entry = exports[index]
        return entry.nonce == nonce && entry.source_pid == CurrentProcess.pid && exportState(index) == .claimed
            && entry.attempt == attempt && entry.target_pid == pid && uid == geteuid()
    }

    /// Whether this process must keep the stash of export `index`: still its entry, not imported,
    /// and its target alive (an entry whose target exited is freed here).
    func stashStillNeeded(_ index: Int, nonce: UInt64) -> Bool {
        let entry = exports + index
        guard entry.pointee.nonce == nonce, entry.pointee.source_pid == CurrentProcess.pid else { return false }
        switch exportState(index) {
        case .waiting, .claimed:
            if processExists(entry.pointee.target_pid) { return true }
            entry.pointee.state = ExportState.free.rawValue
            return false
        case .free, .imported:
            return false
        }
    }
}
