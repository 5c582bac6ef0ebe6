import Hummingbird

/// Rendered aggregate answers kept while the data they came from is unchanged: anonymised aggregates change
/// only when a load or retention run commits, so repeated analyst queries are answered without re-reading
/// millions of cells. Bounded by total bytes; emptied whenever the store's data version moves.
struct ResponseCache: Sendable {
    private var entries: [String: ByteBuffer] = [:]
    private var bytes = 0
    private var version: Int64 = -1
    /// Most bytes of rendered answers kept.
    let capacity: Int

    /// Creates an empty cache holding at most `capacity` bytes.
    init(capacity: Int = 64 << 20) { self.capacity = capacity }

    /// The answer for `key`, if it was rendered at data version `current`.
    mutating func lookup(_ key: String, version current: Int64) -> ByteBuffer? {
        if current != version {
            entries.removeAll()
            bytes = 0
            version = current
        }
        return entries[key]
    }

    /// Keeps an answer rendered at data version `current`.
    mutating func store(_ key: String, _ value: ByteBuffer, version current: Int64) {
        guard current == version, value.readableBytes <= capacity / 4 else { return }
        if bytes + value.readableBytes > capacity {
            entries.removeAll()
            bytes = 0
        }
        entries[key] = value
        bytes += value.readableBytes
    }

    /// Forgets everything (after this server itself changed records).
    mutating func clear() {
        entries.removeAll()
        bytes = 0
        version = -1
    }
}
