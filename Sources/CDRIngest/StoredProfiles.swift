import CDRFraud
import CDRModel
import CDRStorage
import Foundation

/// The usage profiles detection reads, from a store connection of its own (opened on first use, so the
/// ingest job has created the database by then), behind a bounded cache. While the store holds no profile
/// at all (a new database, or detection during its first file) keys are not looked up one by one; whether
/// that is still so is asked again every `recheck` lookups. Lookups share one read snapshot of the store
/// (``ProfileStore/beginReads()``) for up to `snapshotReads` of them, or until detection pauses between
/// batches.
public enum StoredProfiles {
    /// A lookup over the store `open` opens; `capacity` keys are cached. A store that cannot be opened or
    /// read gives no profiles: detection goes on from its own state.
    public static func lookup(
        capacity: Int = 100_000,
        recheck: Int = 20_000,
        snapshotReads: Int = 4_096,
        open: @escaping () throws -> any ProfileStore
    ) -> CachedProfiles {
        let source = Source(open: open, recheck: recheck, snapshotReads: snapshotReads)
        return CachedProfiles(
            capacity: capacity,
            load: { source.load($0) },
            loadBaseline: { source.baseline($0) },
            prior: { source.prior($0, $1, $2) },
            busy: { source.busy(on: $0, minutes: $1, limit: $2) },
            pause: { source.pause() }
        )
    }

    /// `@unchecked Sendable`: the store and its state are used only under `lock`.
    private final class Source: @unchecked Sendable {
        private let open: () throws -> any ProfileStore
        private var store: (any ProfileStore)?
        private var unavailable = false
        private let recheck: Int
        /// Whether no profile (`profiles`) or no baseline (`baselines`) is stored, and how many lookups to go
        /// before asking again.
        private struct Emptiness {
            var empty = true
            var untilRecheck = 0

            /// True when the table is still taken to be empty (`filled` asks `store`; a failure counts as empty).
            mutating func skips(
                recheck: Int,
                _ store: any ProfileStore,
                _ filled: (any ProfileStore) throws -> Bool
            ) -> Bool {
                guard empty else { return false }
                if untilRecheck > 0 {
                    untilRecheck -= 1
                    return true
                }
                empty = !((try? filled(store)) ?? false)
                untilRecheck = recheck
                return empty
            }
        }

        private var profiles = Emptiness()
        private var baselines = Emptiness()
        private let lock = NSLock()
        private let snapshotReads: Int
        /// Lookups made in the read snapshot now held (0: none held).
        private var readsInSnapshot = 0

        init(open: @escaping () throws -> any ProfileStore, recheck: Int, snapshotReads: Int) {
            self.open = open
            self.recheck = max(1, recheck)
            self.snapshotReads = max(1, snapshotReads)
        }

        /// Ends the read snapshot held, if any.
        func pause() {
            lock.lock()
            defer { lock.unlock() }
            endSnapshot()
        }

        /// Ends the read snapshot held, if any. Called under `lock`.
        private func endSnapshot() {
            guard readsInSnapshot > 0 else { return }
            store?.endReads()
            readsInSnapshot = 0
        }

        /// The store, opened on first use; nil once opening failed. Called under `lock`.
        private func opened() -> (any ProfileStore)? {
            if store == nil && !unavailable {
                do { store = try open() } catch { unavailable = true }
            }
            return store
        }

        func load(_ key: String) -> CallerProfile? {
            lookup(&profiles, { try $0.hasProfiles() }, { try $0.profiles(keys: [key])[key] })
        }

        func baseline(_ key: String) -> SubjectBaseline? {
            lookup(&baselines, { try $0.hasBaselines() }, { try $0.baselines(keys: [key])[key] })
        }

        /// One key read from the store under `lock`, unless the table is still taken to be empty (`filled`
        /// asks); nil on any failure.
        private func lookup<Value>(
            _ table: inout Emptiness,
            _ filled: (any ProfileStore) throws -> Bool,
            _ read: (any ProfileStore) throws -> Value?
        ) -> Value? {
            lock.lock()
            defer { lock.unlock() }
            guard let store = opened(), !table.skips(recheck: recheck, store, filled) else { return nil }
            if readsInSnapshot == 0 { try? store.beginReads() }
            readsInSnapshot += 1
            defer { if readsInSnapshot >= snapshotReads { endSnapshot() } }
            return (try? read(store)) ?? nil
        }

        /// The keys busy on `day` (see ``ProfileStore/keys(busyOn:minutes:limit:)``): none while no profile is
        /// stored, nil on any failure.
        func busy(on day: UTCDay, minutes: Double, limit: Int) -> [String]? {
            lock.lock()
            defer { lock.unlock() }
            guard let store = opened() else { return nil }
            guard !profiles.skips(recheck: recheck, store, { try $0.hasProfiles() }) else { return [] }
            return (try? store.keys(busyOn: day, minutes: minutes, limit: limit)) ?? nil
        }

        func prior(_ quantile: Double, _ minDays: Int64, _ keyPrefix: String) -> Double? {
            lock.lock()
            defer { lock.unlock() }
            return (try? opened()?.usualMinutesQuantile(quantile, minDays: minDays, keyPrefix: keyPrefix)) ?? nil
        }
    }
}
