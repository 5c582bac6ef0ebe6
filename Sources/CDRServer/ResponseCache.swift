import Hummingbird

/// Rendered aggregate answers, each with the data version it was computed at: anonymised aggregates change
/// only when a load or retention run commits, so repeated analyst queries are answered without re-reading
/// millions of cells. An answer of an older version is kept too, to be served while its refresh is being
/// computed (see ``APIServer/aggregateAnswer(_:_:key:render:)``). Bounded by total bytes.
struct ResponseCache: Sendable {
    /// One rendered answer.
    struct Entry: Sendable {
        var text: ByteBuffer
        var version: Int64
    }

    private var entries: [String: Entry] = [:]
    private var bytes = 0
    /// Most bytes of rendered answers kept.
    let capacity: Int

    /// Creates an empty cache holding at most `capacity` bytes.
    init(capacity: Int = 64 << 20) { self.capacity = capacity }

    /// The last answer kept for `key`, of whatever version.
    func lookup(_ key: String) -> Entry? { entries[key] }

    /// Keeps an answer computed at `version`, unless a newer one is already kept.
    mutating func store(_ key: String, _ text: ByteBuffer, version: Int64) {
        guard text.readableBytes <= capacity / 4 else { return }
        if let old = entries[key] {
            guard old.version <= version else { return }
            bytes -= old.text.readableBytes
        }
        if bytes + text.readableBytes > capacity {
            entries.removeAll()
            bytes = 0
        }
        entries[key] = Entry(text: text, version: version)
        bytes += text.readableBytes
    }

    /// Forgets everything (after this server itself changed records).
    mutating func clear() {
        entries.removeAll()
        bytes = 0
    }
}
