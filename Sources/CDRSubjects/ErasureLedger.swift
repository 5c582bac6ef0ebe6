import CDRModel
import CDRRetention
import CDRStorage
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The record of erasures kept outside the database (in the key directory, which backups do not hold), so a
/// restore from a backup taken before an erasure can erase again what the data subject had erased. Each
/// line names the number only by its audit pseudonym.
public struct ErasureLedger {
    /// One erasure.
    public struct Entry: Codable, Sendable, Equatable {
        /// When it was done (epoch seconds); records that started later are not the request's.
        public var at: Int64
        /// The number's audit pseudonym.
        public var subject: String
        /// The billing window the erasure respected.
        public var billingDays: Int64

        enum CodingKeys: String, CodingKey {
            case at, subject
            case billingDays = "billing_days"
        }
    }

    /// The ledger file.
    public let path: String

    /// The ledger of a key directory.
    public init(vault: KeyVault) { path = vault.directory + "/erasures.jsonl" }

    /// Appends an entry and syncs it.
    func append(_ entry: Entry) throws(SubjectError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard var line = try? encoder.encode(entry) else { throw .invalid("cannot encode a ledger entry") }
        line.append(0x0A)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .invalid("\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else {
            throw .invalid("\(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Every entry, oldest first (none when the file does not exist).
    public func entries() throws(SubjectError) -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var result: [Entry] = []
        for (index, line) in data.split(separator: 0x0A).enumerated() where !line.isEmpty {
            guard let entry = try? JSONDecoder().decode(Entry.self, from: Data(line)) else {
                throw .invalid("\(path) line \(index + 1): not a ledger entry")
            }
            result.append(entry)
        }
        return result
    }

    /// Erases again, in `desk`'s store, the records every ledger entry erased (after a restore); returns
    /// how many records went.
    public func reapply(with desk: SubjectDesk, vault: KeyVault, store: any SubjectStore) throws(SubjectError) -> Int64
    {
        try reapply(try entries(), with: desk, vault: vault, store: store)
    }

    /// Erases the records an erasure kept only for their billing window once that window has passed: the
    /// entries whose window was still open at `since` (the previous retention run) are applied again as of
    /// `now`. Returns how many records went; nothing is scanned when no window is pending.
    public func eraseAfterBillingWindows(
        with desk: SubjectDesk,
        vault: KeyVault,
        store: any SubjectStore,
        since: Int64?,
        now: Int64
    ) throws(SubjectError) -> Int64 {
        let pending = try entries().filter {
            $0.billingDays > 0 && $0.at + $0.billingDays * UTCDay.seconds > (since ?? 0)
        }
        return try reapply(
            pending,
            with: desk,
            vault: vault,
            store: store,
            now: now,
            action: "subject erase (billing window passed)"
        )
    }

    private func reapply(
        _ chosen: [Entry],
        with desk: SubjectDesk,
        vault: KeyVault,
        store: any SubjectStore,
        now: Int64? = nil,
        action: String? = nil
    ) throws(SubjectError) -> Int64 {
        let wanted = Dictionary(grouping: chosen, by: \.subject)
        if wanted.isEmpty { return 0 }
        var matches: [(String, Entry)] = []
        do {
            try store.forEachDistinctNumber { number in
                if let entries = wanted[try vault.auditPseudonym(number)] {
                    for entry in entries { matches.append((number, entry)) }
                }
            }
        } catch let error as StoreError {
            throw .store(error)
        } catch let error as RetentionError {
            throw .key(error)
        } catch {
            throw .invalid("\(error)")
        }
        var erased: Int64 = 0
        for (number, entry) in matches {
            erased +=
                try desk.erase(
                    number,
                    through: entry.at,
                    billingDays: entry.billingDays,
                    reapplying: true,
                    now: now,
                    action: action
                ).erased
        }
        return erased
    }
}
