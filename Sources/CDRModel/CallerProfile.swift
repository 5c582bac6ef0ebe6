/// One calling number's (or account's) usage as fraud detection judges it against: when it was first and last
/// seen, on how many days, and its usual daily answered minutes and calls. Kept in the store beside the full
/// records, so detection does not forget a subscriber however many there are; personal data, so it expires
/// with the records and goes with a subject's export and erasure.
///
/// The usual values are exponentially weighted means over days (a 28-day span) corrected for the days before
/// first seen: a mean starting at zero would count them as idle days, and after a week would read 39 % of a
/// steady user's true mean. Days without calls after first seen are real history and do count. Beside the
/// means, sketches of how the days' answered minutes and calls are spread (the same weights over 13 buckets
/// each) give the usual busy day, so a subscriber with an occasional long day is not judged by its average
/// alone.
public struct CallerProfile: Sendable, Equatable, Codable {
    /// The weight of each new day in the means (a 28-day span).
    public static let alpha = 2.0 / 29.0

    /// The calling number, or `acct:` and the account code.
    public var key: String
    /// The first day with calls.
    public var firstDay: UTCDay
    /// The last day with calls.
    public var lastDay: UTCDay
    /// Days with calls.
    public var activeDays: Int64
    /// Weighted mean of answered minutes per day over the days before ``lastDay``, not yet corrected.
    public var meanMinutes: Double = 0
    /// Weighted mean of calls per day over the days before ``lastDay``, not yet corrected.
    public var meanCalls: Double = 0
    /// How much of the means' weight falls on days since first seen: 1 − (1 − α)^(lastDay − firstDay).
    public var weight: Double = 0
    /// Answered minutes on ``lastDay``.
    public var dayMinutes: Double
    /// Calls on ``lastDay``.
    public var dayCalls: Int64
    /// The weights of the days before ``lastDay`` per bucket of answered minutes (see ``sketchBounds``),
    /// summing to ``weight``; empty until a day has closed.
    public var sketch: [Float] = []

    /// The same weights per bucket of calls (see ``callSketchBounds``); empty until a day has closed, and in
    /// profiles stored before calls were sketched.
    public var callSketch: [Float] = []

    /// Upper bounds, in answered minutes, of the sketch's buckets (a day falls in the first it is under).
    public static let sketchBounds: [Double] = [0.5, 2, 5, 10, 20, 40, 60, 90, 120, 180, 240, 360, 720]
    /// Upper bounds, in calls, of the call sketch's buckets.
    public static let callSketchBounds: [Double] = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 500]

    /// The minutes bucket of a day with `minutes` answered minutes.
    static func bucket(_ minutes: Double) -> Int {
        sketchBounds.firstIndex { minutes < $0 } ?? sketchBounds.count - 1
    }

    /// The calls bucket of a day with `calls` calls.
    static func callBucket(_ calls: Int64) -> Int {
        callSketchBounds.firstIndex { Double(calls) < $0 } ?? callSketchBounds.count - 1
    }

    /// A profile first seen on `day` with that day's usage.
    public init(key: String, day: UTCDay, minutes: Double, calls: Int64) {
        self.key = key
        firstDay = day
        lastDay = day
        activeDays = 1
        dayMinutes = minutes
        dayCalls = calls
    }

    /// A profile as stored.
    public init(
        key: String,
        firstDay: UTCDay,
        lastDay: UTCDay,
        activeDays: Int64,
        meanMinutes: Double,
        meanCalls: Double,
        weight: Double,
        dayMinutes: Double,
        dayCalls: Int64,
        sketch: [Float] = [],
        callSketch: [Float] = []
    ) {
        self.key = key
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.activeDays = activeDays
        self.meanMinutes = meanMinutes
        self.meanCalls = meanCalls
        self.weight = weight
        self.dayMinutes = dayMinutes
        self.dayCalls = dayCalls
        self.sketch = sketch
        self.callSketch = callSketch
    }

    /// Adds one day's usage. A later day closes ``lastDay`` into the means (and the idle days between as
    /// zeros); the same day adds to it; an earlier day (a file loaded late) goes into the means at the
    /// weight it would have had, as a day that had been counted idle.
    public mutating func add(day: UTCDay, minutes: Double, calls: Int64) {
        if day == lastDay {
            dayMinutes += minutes
            dayCalls += calls
        } else if day > lastDay {
            roll(to: day)
            dayMinutes = minutes
            dayCalls = calls
            activeDays += 1
        } else {
            let age = Double(min(lastDay.rawValue - day.rawValue - 1, 400))
            let decay = Self.alpha * pow1m(age)
            meanMinutes += decay * minutes
            meanCalls += decay * Double(calls)
            openSketches()
            sketch[Self.bucket(minutes)] += Float(decay)
            callSketch[Self.callBucket(calls)] += Float(decay)
            if day < firstDay {
                firstDay = day
                let widened = 1 - pow1m(Double(min(lastDay.rawValue - day.rawValue, 400)))
                sketch[0] += Float(max(0, widened - weight - decay))
                callSketch[0] += Float(max(0, widened - weight - decay))
                weight = widened
            } else {
                sketch[0] = max(0, sketch[0] - Float(decay))
                callSketch[0] = max(0, callSketch[0] - Float(decay))
            }
            activeDays += 1
        }
    }

    /// Closes ``lastDay`` and the idle days up to `day` into the means.
    private mutating func roll(to day: UTCDay) {
        let alpha = Self.alpha
        meanMinutes = alpha * dayMinutes + (1 - alpha) * meanMinutes
        meanCalls = alpha * Double(dayCalls) + (1 - alpha) * meanCalls
        weight = alpha + (1 - alpha) * weight
        openSketches()
        scaleSketch(1 - alpha)
        sketch[Self.bucket(dayMinutes)] += Float(alpha)
        callSketch[Self.callBucket(dayCalls)] += Float(alpha)
        let gap = Double(min(day.rawValue - lastDay.rawValue - 1, 400))
        if gap > 0 {
            let decay = pow1m(gap)
            meanMinutes *= decay
            meanCalls *= decay
            weight = 1 - (1 - weight) * decay
            scaleSketch(decay)
            sketch[0] += Float(1 - decay)
            callSketch[0] += Float(1 - decay)
        }
        lastDay = day
    }

    /// Gives each empty sketch its buckets; a call sketch missing from an older stored profile starts from
    /// the minutes sketch's weight, all of it in the lowest bucket it could have been (unknown days count as
    /// quiet ones).
    private mutating func openSketches() {
        if sketch.isEmpty { sketch = [Float](repeating: 0, count: Self.sketchBounds.count) }
        if callSketch.isEmpty {
            callSketch = [Float](repeating: 0, count: Self.callSketchBounds.count)
            callSketch[0] = sketch.reduce(0, +)
        }
    }

    private mutating func scaleSketch(_ factor: Double) {
        for index in sketch.indices { sketch[index] *= Float(factor) }
        for index in callSketch.indices { callSketch[index] *= Float(factor) }
    }

    /// The answered minutes of a usual busy day before `day`: the upper bound of the sketch's bucket where
    /// the days' weight reaches `quantile` (0–1); nil without a closed day.
    public func dailyMinutes(quantile: Double, before day: UTCDay) -> Double? {
        var copy = self
        if day > lastDay { copy.roll(to: day) }
        return Self.quantile(quantile, of: copy.sketch, bounds: Self.sketchBounds)
    }

    /// The calls of a usual busy day before `day`, read from the call sketch as ``dailyMinutes(quantile:before:)``
    /// reads the minutes.
    public func dailyCalls(quantile: Double, before day: UTCDay) -> Double? {
        var copy = self
        if day > lastDay { copy.roll(to: day) }
        return Self.quantile(quantile, of: copy.callSketch, bounds: Self.callSketchBounds)
    }

    /// The upper bound of the bucket where the weights reach `quantile` of their total; nil when they are 0.
    private static func quantile(_ quantile: Double, of sketch: [Float], bounds: [Double]) -> Double? {
        let total = sketch.reduce(0, +)
        guard total > 0 else { return nil }
        var reached: Float = 0
        for (index, share) in sketch.enumerated() {
            reached += share
            if reached >= Float(quantile) * total { return bounds[index] }
        }
        return bounds.last
    }

    /// The sketches as stored: the minutes weights, then the calls weights, each a 32-bit float,
    /// little-endian.
    public var sketchBytes: [UInt8] {
        (sketch + callSketch).flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    /// The sketches from their stored bytes: minutes only when the profile was stored before calls were
    /// sketched; both empty when the bytes are neither.
    public static func sketches(bytes: some Collection<UInt8>) -> (minutes: [Float], calls: [Float]) {
        let bytes = Array(bytes)
        let weights = stride(from: 0, to: bytes.count - bytes.count % 4, by: 4).map { offset in
            let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
            return Float(bitPattern: bits)
        }
        let minutes = sketchBounds.count
        switch (bytes.count % 4, weights.count) {
        case (0, minutes): return (weights, [])
        case (0, minutes + callSketchBounds.count): return (Array(weights[..<minutes]), Array(weights[minutes...]))
        default: return ([], [])
        }
    }

    /// (1 − α)^n.
    private func pow1m(_ n: Double) -> Double {
        var result = 1.0
        var base = 1 - Self.alpha
        var exponent = Int(n)
        while exponent > 0 {
            if exponent & 1 == 1 { result *= base }
            base *= base
            exponent >>= 1
        }
        return result
    }

    /// The usual daily answered minutes and calls before `day`, and the days of history behind them (days
    /// since first seen, up to `day`); nil values when there is no day before `day` to judge by.
    public func usual(before day: UTCDay) -> (minutes: Double, calls: Double, days: Int64)? {
        var copy = self
        if day > lastDay { copy.roll(to: day) }
        guard copy.weight > 0 else { return nil }
        return (copy.meanMinutes / copy.weight, copy.meanCalls / copy.weight, firstDay.distance(to: day))
    }
}
