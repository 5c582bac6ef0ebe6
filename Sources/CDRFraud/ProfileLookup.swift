import CDRModel
import Synchronization

/// Where detectors find what is usual for a caller beyond their own in-memory state: the usage profiles
/// kept in the store, so a subscriber whose state was dropped (key cap, time to live, a new process) is
/// not taken for a new one.
public protocol ProfileLookup: AnyObject, Sendable {
    /// The stored profile of a calling number (or `acct:` account), nil when there is none.
    func profile(_ key: String) -> CallerProfile?
    /// The `quantile` of the usual daily answered minutes of mature profiles (at least `minDays` days of
    /// history) of one class of keys (see ``PopulationClass``): the population prior an immature number of
    /// that class is judged by; nil when unknown.
    func populationMinutes(quantile: Double, minDays: Int64, keyPrefix: String) -> Double?
    /// The stored detector baseline of a calling number (or `acct:` account), nil when there is none.
    func baseline(_ key: String) -> SubjectBaseline?
    /// Lets go of what the lookup holds open in the store between lookups (a read snapshot): called when
    /// detection has finished a batch of records and may stay idle.
    func pause()
    /// The calling numbers whose stored profile already holds at least `minutes` answered minutes on `day`
    /// (from files finished earlier), when there are at most `limit`; nil when unknown or more.
    func busyCallers(on day: UTCDay, minutes: Double, limit: Int) -> [String]?
    /// How many times the stored profiles have changed under detection (a file's usage folded in): a
    /// detector holding what it counted since a change must not add it to what it reads after.
    var generation: Int { get }
    /// Notes that the stored profiles changed (a file's usage folded in); safe from any thread.
    func storeChanged()
}

extension ProfileLookup {
    /// No population prior.
    public func populationMinutes(quantile: Double, minDays: Int64, keyPrefix: String) -> Double? { nil }
    /// No baselines.
    public func baseline(_ key: String) -> SubjectBaseline? { nil }
    /// Nothing held.
    public func pause() {}
    /// Unknown: detectors read every number's profile.
    public func busyCallers(on day: UTCDay, minutes: Double, limit: Int) -> [String]? { nil }
    /// Never changes.
    public var generation: Int { 0 }
    /// Nothing to note.
    public func storeChanged() {}
}

/// A bounded cache in front of a profile source: at most `capacity` keys of profiles and as many of
/// baselines (found or not), the older half dropped when full, so memory stays bounded whatever the number
/// of subscribers.
public final class CachedProfiles: ProfileLookup {
    private let profiles: KeyCache<CallerProfile>
    private let baselines: KeyCache<SubjectBaseline>
    private let prior: @Sendable (Double, Int64, String) -> Double?
    private let priors = Mutex([String: Double?]())
    private let release: @Sendable () -> Void
    private let busy: @Sendable (UTCDay, Double, Int) -> [String]?
    private let changes = Atomic(0)

    /// A cache of `capacity` keys over `load`, which reads one key's profile from the store (nil when absent
    /// or on error: detection goes on without it), over `loadBaseline` for baselines, and of the population
    /// priors `prior` computes (once each); `pause` lets go of what the source holds open between lookups.
    public init(
        capacity: Int = 100_000,
        load: @escaping @Sendable (String) -> CallerProfile?,
        loadBaseline: @escaping @Sendable (String) -> SubjectBaseline? = { _ in nil },
        prior: @escaping @Sendable (Double, Int64, String) -> Double? = { _, _, _ in nil },
        busy: @escaping @Sendable (UTCDay, Double, Int) -> [String]? = { _, _, _ in nil },
        pause: @escaping @Sendable () -> Void = {}
    ) {
        profiles = KeyCache(capacity: capacity, load: load)
        baselines = KeyCache(capacity: capacity, load: loadBaseline)
        self.prior = prior
        self.busy = busy
        release = pause
    }

    /// The busy callers of a day, from the source (not cached).
    public func busyCallers(on day: UTCDay, minutes: Double, limit: Int) -> [String]? { busy(day, minutes, limit) }

    /// How many times ``storeChanged()`` was called.
    public var generation: Int { changes.load(ordering: .acquiring) }

    /// Notes that the stored profiles changed (this process folded a file's usage in): cached profiles and
    /// baselines go, and ``generation`` moves on.
    public func storeChanged() {
        profiles.removeAll()
        baselines.removeAll()
        changes.add(1, ordering: .releasing)
    }

    /// Lets the source end its read snapshot.
    public func pause() { release() }

    /// The population prior, computed once per quantile, history and class.
    public func populationMinutes(quantile: Double, minDays: Int64, keyPrefix: String) -> Double? {
        let key = "\(quantile)|\(minDays)|\(keyPrefix)"
        if let known = priors.withLock({ $0[key] }) { return known }
        let computed = prior(quantile, minDays, keyPrefix)
        priors.withLock { $0[key] = .some(computed) }
        return computed
    }

    /// The profile of `key`, from the cache or the source.
    public func profile(_ key: String) -> CallerProfile? { profiles.value(key) }

    /// The baseline of `key`, from the cache or the source.
    public func baseline(_ key: String) -> SubjectBaseline? { baselines.value(key) }

    /// Keys cached, profiles and baselines apart (a memory metric).
    public var count: Int { profiles.count + baselines.count }
}

/// Values by key in two generations: found ones, and keys known absent kept as 64-bit hashes (8 bytes rather
/// than a key and an empty value; most keys a detector asks about have none). When the current generation
/// holds half the capacity it becomes the previous one, whose keys go.
final class KeyCache<Value: Sendable>: Sendable {
    private struct Generation {
        var found: [String: Value] = [:]
        var absent = Set<Int>()

        var count: Int { found.count + absent.count }

        /// `.some(value)` when the generation knows the key (`.some(nil)`: known absent), nil when not.
        func lookup(_ key: String, hash: Int) -> Value?? {
            if let value = found[key] { return .some(value) }
            return absent.contains(hash) ? .some(nil) : nil
        }

        mutating func removeAll() {
            found.removeAll(keepingCapacity: true)
            absent.removeAll(keepingCapacity: true)
        }
    }

    private struct Generations {
        var current = Generation()
        var previous = Generation()
    }

    private let capacity: Int
    private let load: @Sendable (String) -> Value?
    private let cache = Mutex(Generations())

    init(capacity: Int, load: @escaping @Sendable (String) -> Value?) {
        self.capacity = max(2, capacity)
        self.load = load
    }

    /// Keys cached, found or not.
    var count: Int { cache.withLock { $0.current.count + $0.previous.count } }

    /// Forgets every cached key.
    func removeAll() {
        cache.withLock { cache in
            cache.current.removeAll()
            cache.previous.removeAll()
        }
    }

    /// The value of `key`, from the cache or the source.
    func value(_ key: String) -> Value? {
        let hash = key.hashValue
        if let hit = cache.withLock({ $0.current.lookup(key, hash: hash) ?? $0.previous.lookup(key, hash: hash) }) {
            return hit
        }
        let found = load(key)
        cache.withLock { cache in
            if cache.current.count >= capacity / 2 {
                swap(&cache.previous, &cache.current)
                cache.current.removeAll()
            }
            if let found { cache.current.found[key] = found } else { cache.current.absent.insert(hash) }
        }
        return found
    }
}
