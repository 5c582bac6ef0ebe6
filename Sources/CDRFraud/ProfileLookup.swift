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
    private struct Cache {
        var current: [String: CallerProfile?] = [:]
        var previous: [String: CallerProfile?] = [:]
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
        if let hit = cache.withLock({ $0.current[key] ?? $0.previous[key] }) { return hit }
        let found = load(key)
        cache.withLock { cache in
            if cache.current.count >= capacity / 2 {
                cache.previous = cache.current
                cache.current.removeAll(keepingCapacity: true)
            }
            cache.current[key] = .some(found)
        }
        return found
    }

    /// Keys held (found or known absent).
    public var count: Int { cache.withLock { $0.current.count + $0.previous.count } }
}
