import CDRModel
import Synchronization

/// Where detectors find what is usual for a caller beyond their own in-memory state: the usage profiles
/// kept in the store, so a subscriber whose state was dropped (key cap, time to live, a new process) is
/// not taken for a new one.
public protocol ProfileLookup: AnyObject, Sendable {
    /// The stored profile of a calling number (or `acct:` account), nil when there is none.
    func profile(_ key: String) -> CallerProfile?
    /// The `quantile` of mature calling numbers' usual daily answered minutes (at least `minDays` days of
    /// history): the population prior an immature number is judged by; nil when unknown.
    func populationMinutes(quantile: Double, minDays: Int64) -> Double?
}

extension ProfileLookup {
    /// No population prior.
    public func populationMinutes(quantile: Double, minDays: Int64) -> Double? { nil }
}

/// A bounded cache in front of a profile source: at most `capacity` keys (found or not), the older half
/// dropped when full, so memory stays bounded whatever the number of subscribers.
public final class CachedProfiles: ProfileLookup {
    /// One generation of the cache: profiles found, and keys known absent kept as 64-bit hashes (8 bytes
    /// rather than a key and an empty profile; most numbers a detector asks about have none).
    private struct Generation {
        var found: [String: CallerProfile] = [:]
        var absent = Set<Int>()

        var count: Int { found.count + absent.count }

        /// `.some(profile)` when the generation knows the key (`.some(nil)`: known absent), nil when not.
        func lookup(_ key: String, hash: Int) -> CallerProfile?? {
            if let profile = found[key] { return .some(profile) }
            return absent.contains(hash) ? .some(nil) : nil
        }

        mutating func removeAll() {
            found.removeAll(keepingCapacity: true)
            absent.removeAll(keepingCapacity: true)
        }
    }

    private struct Cache {
        var current = Generation()
        var previous = Generation()
    }

    private let capacity: Int
    private let load: @Sendable (String) -> CallerProfile?
    private let prior: @Sendable (Double, Int64) -> Double?
    private let cache = Mutex(Cache())
    private let priors = Mutex([String: Double?]())

    /// A cache of `capacity` keys over `load`, which reads one key from the store (nil when absent or on
    /// error: detection goes on without it), and of the population priors `prior` computes (once each).
    public init(
        capacity: Int = 100_000,
        load: @escaping @Sendable (String) -> CallerProfile?,
        prior: @escaping @Sendable (Double, Int64) -> Double? = { _, _ in nil }
    ) {
        self.capacity = max(2, capacity)
        self.load = load
        self.prior = prior
    }

    /// The population prior, computed once per quantile and history.
    public func populationMinutes(quantile: Double, minDays: Int64) -> Double? {
        let key = "\(quantile)|\(minDays)"
        if let known = priors.withLock({ $0[key] }) { return known }
        let computed = prior(quantile, minDays)
        priors.withLock { $0[key] = .some(computed) }
        return computed
    }

    /// The profile of `key`, from the cache or the source.
    public func profile(_ key: String) -> CallerProfile? {
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

    /// Keys held (found or known absent).
    public var count: Int { cache.withLock { $0.current.count + $0.previous.count } }
}
