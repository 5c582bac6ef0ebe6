import CDRModel

/// The per-file settings and caches a dialect decodes with: number plan and source time zone.
public struct DecodeContext: Sendable {
    /// Rewrites numbers to E.164.
    public var numbers: NumberNormaliser
    /// Converts the switch's wall-clock times to UTC.
    public var clock: LocalTimeConverter
    /// How many units of a BER `callDuration` make one second: 1 (TS 32.298), 10 or 100 for switches
    /// configured to write tenths or hundredths.
    public var berDurationTicks: Int64 = 1
    /// The longest record read whole (CSV line with its quoted line breaks, or one BER record); a longer one
    /// is rejected by byte offset with its first bytes only, and the reader resumes after it.
    public var maxRecordBytes = 1 << 20

    /// Creates a context.
    public init(numbers: NumberNormaliser, clock: LocalTimeConverter) {
        self.numbers = numbers
        self.clock = clock
    }

    /// Normalises a party number field, naming the field in the problem.
    @inline(__always)
    public func number(_ bytes: UnsafeRawBufferPointer, field: String) throws(RecordProblem) -> String {
        do {
            return try numbers.normalise(bytes).number
        } catch {
            throw RecordProblem(field: field, reason: error.description)
        }
    }

    /// Reads a wall-clock time field and converts it to UTC; `optional` allows an empty field.
    @inline(__always)
    public mutating func time(_ bytes: UnsafeRawBufferPointer, field: String) throws(RecordProblem) -> Int64 {
        guard let local = FieldDecoding.wallClock(bytes) else {
            throw RecordProblem(field: field, reason: "not a date-time (YYYY-MM-DD HH:MM:SS): \(Self.show(bytes))")
        }
        return clock.utc(fromLocal: local)
    }

    /// Reads a non-negative integer field.
    @inline(__always)
    public func integer(_ bytes: UnsafeRawBufferPointer, field: String) throws(RecordProblem) -> Int64 {
        guard let value = FieldDecoding.integer(bytes) else {
            throw RecordProblem(field: field, reason: "not an integer: \(Self.show(bytes))")
        }
        return value
    }

    /// A short printable excerpt of a field for an error message.
    public static func show(_ bytes: UnsafeRawBufferPointer) -> String {
        let text = String(decoding: bytes.prefix(40), as: UTF8.self)
        return "\"\(text)\(bytes.count > 40 ? "…" : "")\""
    }
}
