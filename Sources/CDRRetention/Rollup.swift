import CDRModel
import CDRStorage
import Crypto

/// Folds the records of one UTC day into anonymised aggregate cells and applies the small-cell rule.
///
/// Numbers are generalised to a ``Destination`` before grouping and only a 64-bit identity of each party
/// is kept in memory, to count distinct subscribers per cell. Identities are a fast unkeyed hash when
/// nothing is stored (they never leave the process) and an HMAC under the period key when the cell's
/// members must be stored because the cell is still open.
public final class Rollup {
    /// How party identities are derived.
    public enum Identity {
        /// FNV-1a of the number: in memory only.
        case transient
        /// HMAC-SHA256 under a period key, truncated to 64 bits: may be stored while the key exists.
        case keyed(SymmetricKey)
    }

    /// A cell under construction: its measures and the identities of its parties.
    public final class Group {
        /// The measures (distinct counts filled in when written).
        public var counts = AggregateCounts()
        /// Identities of distinct callers.
        public var callers = IdentitySet()
        /// Identities of distinct called parties.
        public var called = IdentitySet()

        func absorb(_ other: Group) {
            counts.add(other.counts)
            callers.formUnion(other.callers)
            called.formUnion(other.called)
        }
    }

    struct Key: Hashable {
        var hour: Int8
        var carrier: Int32
        var destination: Int32
        var direction: UInt8
        var disposition: UInt8
    }

    /// The coarsening steps a small cell goes through, in order; the last always publishes.
    public static let ladder = [
        "area", "line type", "country (other destinations)", "carrier", "direction and disposition", "hour (whole day)",
    ]

    /// The UTC day being rolled up.
    public let day: UTCDay
    /// The day's first second, the origin of its hours.
    private let dayStart: Int64
    /// Records added so far.
    public private(set) var records: Int64 = 0
    private let vocabulary: CellVocabulary
    private let identity: Identity
    private var groups: [Key: Group] = [:]
    private static let folded: UInt8 = 255
    /// Calls started before this instant are late: their day's cells were published by an earlier run
    /// (a released hold, a file loaded after the cut-off passed). They go into the day's fully folded cell
    /// only, so a before/after comparison of the published cells cannot single them out.
    public var lateBefore: Int64?

    /// Creates an empty roll-up of `day`; roll-ups of many days share one vocabulary.
    public init(day: UTCDay, vocabulary: CellVocabulary, identity: Identity) {
        self.day = day
        dayStart = day.start.rawValue
        self.vocabulary = vocabulary
        self.identity = identity
    }

    /// Adds one record. A call counts once, at the leg where it entered the network
    /// (``CallLeg/countsAsCall``): other legs of it add nothing; the later parts of a long call the switch
    /// cut into partial records add their seconds but no call.
    public func add(_ facts: borrowing RecordFacts) {
        records += 1
        guard facts.leg.countsAsCall else { return }
        let continuation = facts.part > 1
        let calling = vocabulary.place(facts.calling)
        let dialled = vocabulary.place(facts.dialled)
        var key = Key(
            hour: Int8((facts.start - dayStart) / 3_600),
            carrier: vocabulary.carrierID(facts.carrier),
            destination: dialled.general,
            direction: vocabulary.direction(calling: calling.site, dialled: dialled.site),
            disposition: facts.disposition.rawValue
        )
        if let lateBefore, facts.start < lateBefore {
            for level in 1...Self.ladder.count { key = coarsen(key, to: level) }
        }
        let group: Group
        if let existing = groups[key] {
            group = existing
        } else {
            group = Group()
            groups[key] = group
        }
        group.counts.seconds += facts.duration
        group.counts.billable += facts.billable
        if continuation { return }
        group.counts.calls += 1
        if facts.answered { group.counts.answered += 1 }
        switch facts.disposition {
        case .answered, .noAnswer, .busy, .cancelled: group.counts.effective += 1
        case .failed, .congestion, .unknown: break
        }
        group.counts.histogram[AggregateCounts.bucket(billable: facts.billable)] += 1
        if !facts.calling.isEmpty { group.callers.insert(party(facts.calling)) }
        if !facts.dialled.isEmpty { group.called.insert(party(facts.dialled)) }
    }

    /// The cells to publish. A group with fewer than `k` distinct callers is offered to `acceptSmall`
    /// (which may accept it because the stored cell it joins already has enough callers) and otherwise
    /// folded one step up the ``ladder``; the last step publishes whatever remains, so totals add up.
    public func cells(
        k: Int,
        acceptSmall: (AggregateCell, Group) throws -> Bool
    ) rethrows -> [(cell: AggregateCell, group: Group)] {
        var result: [(cell: AggregateCell, group: Group)] = []
        var current = groups
        for level in 0...Self.ladder.count {
            var next: [Key: Group] = [:]
            for (key, group) in current {
                let cell = aggregateCell(key)
                if try level == Self.ladder.count || group.callers.count >= k || acceptSmall(cell, group) {
                    result.append((cell, group))
                } else {
                    let coarser = coarsen(key, to: level + 1)
                    if let existing = next[coarser] {
                        existing.absorb(group)
                    } else {
                        next[coarser] = group
                    }
                }
            }
            current = next
        }
        return result
    }

    private func coarsen(_ key: Key, to level: Int) -> Key {
        var key = key
        let star = AggregateCell.folded
        switch level {
        case 1:
            let general = vocabulary.general(key.destination)
            key.destination = vocabulary.generalID(
                CellVocabulary.General(country: general.country, type: general.type, area: star)
            )
        case 2:
            key.destination = vocabulary.generalID(
                CellVocabulary.General(country: vocabulary.general(key.destination).country, type: star, area: star)
            )
        case 3: key.destination = vocabulary.generalID(CellVocabulary.General(country: star, type: star, area: star))
        case 4: key.carrier = vocabulary.carrierID(star)
        case 5:
            key.direction = Self.folded
            key.disposition = Self.folded
        default: key.hour = Int8(AggregateCell.wholeDay)
        }
        return key
    }

    private func aggregateCell(_ key: Key) -> AggregateCell {
        let general = vocabulary.general(key.destination)
        return AggregateCell(
            day: day.rawValue,
            hour: Int64(key.hour),
            carrier: vocabulary.carrier(key.carrier),
            country: general.country,
            type: general.type,
            area: general.area,
            direction: key.direction == Self.folded
                ? AggregateCell.folded : CallDirection.allCases[Int(key.direction)].rawValue,
            disposition: key.disposition == Self.folded
                ? AggregateCell.folded : (Disposition(rawValue: key.disposition) ?? .unknown).name
        )
    }

    @inline(__always)
    private func party(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        switch identity {
        case .transient:
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            return hash
        case .keyed(let key):
            let code = HMAC<SHA256>.authenticationCode(for: bytes, using: key)
            return code.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        }
    }

    /// A stable 64-bit id of a cell, naming its stored members.
    public static func cellID(_ cell: AggregateCell) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let text =
            "\(cell.day)|\(cell.hour)|\(cell.carrier)|\(cell.country)|\(cell.type)|\(cell.area)|"
            + "\(cell.direction)|\(cell.disposition)"
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int64(bitPattern: hash)
    }
}
