import CDRModel

/// Joins the partial records an MSC cuts a long call into (same call reference, MSC and caller; parts
/// 1, 2, …) back into one call for fraud detection, so detectors see the call once with its whole duration.
///
/// Part 1 opens a chain; each next part extends it. A chain is closed when a part is shorter than the one
/// before it (the switch's partial timer cuts equal stretches, the last part is what remained), when no part
/// has come for ``gap`` seconds of event time, or at the end of input. A later part whose chain is not open
/// (its part 1 was observed in an earlier run) is dropped: that call was already seen. Open chains are
/// capped at ``capacity``; past it the oldest is closed early.
struct PartialCallStitcher {
    /// A record on its way to the detectors.
    struct Pending {
        var id: Int64
        var call: CallRecord
        var source: Int64
    }

    private struct Chain {
        var pending: Pending
        var part: Int
        var lastEnd: Int64
        var lastLength: Int64
    }

    /// Seconds of event time after a part's end before its chain is closed without a last part.
    let gap: Int64
    /// The most chains held open at once.
    let capacity: Int
    private var open: [String: Chain] = [:]

    init(gap: Int64 = 2 * 3600, capacity: Int = 100_000) {
        self.gap = gap
        self.capacity = capacity
    }

    /// Chains open now.
    var openChains: Int { open.count }

    private static func key(_ call: CallRecord) -> String { call.sourceID + "|" + call.channel + "|" + call.calling }

    /// The stretch of talk a part covers (part 1's ringing excluded), which the partial timer cuts equal.
    private static func stretch(_ call: CallRecord) -> Int64 { call.end - (call.answer ?? call.start) }

    /// Takes one record; returns what is ready for the detectors (nothing while a chain is open).
    mutating func take(_ record: Pending) -> [Pending] {
        var ready: [Pending] = []
        take(record) { ready.append($0) }
        return ready
    }

    /// Takes one record; hands what is ready for the detectors to `ready` (nothing while a chain is open), so
    /// a whole call, the common case, goes straight through without an array.
    mutating func take(_ record: Pending, _ ready: (Pending) -> Void) {
        let call = record.call
        guard call.part >= 1 else { return ready(record) }
        let key = Self.key(call)
        if call.part == 1 {
            if let previous = open.removeValue(forKey: key) { ready(previous.pending) }
            if open.count >= capacity, let oldest = open.min(by: { $0.value.lastEnd < $1.value.lastEnd }) {
                open.removeValue(forKey: oldest.key)
                ready(oldest.value.pending)
            }
            open[key] = Chain(pending: record, part: 1, lastEnd: call.end, lastLength: Self.stretch(call))
            return
        }
        guard var chain = open[key], call.part == chain.part + 1 else { return }
        chain.part = call.part
        chain.pending.call.end = max(chain.pending.call.end, call.end)
        chain.pending.call.duration = chain.pending.call.end - chain.pending.call.start
        chain.pending.call.billable = min(chain.pending.call.billable + call.billable, chain.pending.call.duration)
        if chain.pending.call.answer == nil, let answer = call.answer {
            chain.pending.call.answer = answer
            chain.pending.call.disposition = call.disposition
        }
        let length = Self.stretch(call)
        if length < chain.lastLength {
            open.removeValue(forKey: key)
            return ready(chain.pending)
        }
        chain.lastEnd = call.end
        chain.lastLength = length
        open[key] = chain
    }

    /// Closes the chains whose last part ended more than ``gap`` before `watermark`.
    mutating func expire(before watermark: Int64) -> [Pending] {
        guard !open.isEmpty else { return [] }
        let due = open.filter { $0.value.lastEnd + gap < watermark }
        for key in due.keys { open.removeValue(forKey: key) }
        return due.values.map(\.pending).sorted { $0.call.start < $1.call.start }
    }

    /// Closes every chain (the end of input).
    mutating func finish() -> [Pending] {
        defer { open.removeAll() }
        return open.values.map(\.pending).sorted { $0.call.start < $1.call.start }
    }

    /// Drops the chains of a source whose records were removed.
    mutating func discard(source: Int64) {
        open = open.filter { $0.value.pending.source != source }
    }
}
