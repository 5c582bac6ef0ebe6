import CDRModel
import Foundation

/// An operator's description of its own CSV export: which column holds which record field, how times
/// are written, and how dispositions are spelled. Loaded from JSON (see the README).
public struct MappingFile: Codable, Sendable {
    /// A column named by header text, or by 1-based position.
    public enum Column: Codable, Sendable, Hashable {
        case name(String)
        case position(Int)

        /// Decodes a JSON string or integer.
        public init(from decoder: any Decoder) throws {
            let single = try decoder.singleValueContainer()
            if let position = try? single.decode(Int.self) {
                guard position >= 1 else {
                    throw DecodingError.dataCorruptedError(
                        in: single,
                        debugDescription: "column positions start at 1, got \(position)"
                    )
                }
                self = .position(position)
            } else {
                self = .name(try single.decode(String.self))
            }
        }

        /// Encodes as a JSON string or integer.
        public func encode(to encoder: any Encoder) throws {
            var single = encoder.singleValueContainer()
            switch self {
            case .name(let name): try single.encode(name)
            case .position(let position): try single.encode(position)
            }
        }
    }

    /// The record fields a mapping can bind.
    public struct Columns: Codable, Sendable {
        /// The calling number (A).
        public var calling: Column?
        /// The dialled number (B); required.
        public var dialled: Column
        /// Diverting numbers (C), in order.
        public var diverting: [Column]?
        /// Call start; required.
        public var start: Column
        /// Answer time; empty or `0` means not answered.
        public var answer: Column?
        /// Call end (or give `duration`).
        public var end: Column?
        /// Seconds from start to end.
        public var duration: Column?
        /// Billable seconds.
        public var billable: Column?
        /// How the call ended (see `dispositions`).
        public var disposition: Column?
        /// Originating carrier or trunk.
        public var carrier: Column?
        /// Egress (terminating) carrier or trunk.
        public var egress: Column?
        /// Switch channel.
        public var channel: Column?
        /// Account code.
        public var account: Column?
        /// The switch's record id.
        public var sourceID: Column?
    }

    /// How a text or number column is cleaned before use.
    public struct Transform: Codable, Sendable, Equatable {
        /// Take what is inside the last `<…>` (`"Ramana Ulsa" <1115>` gives `1115`), or the number in a
        /// trailing `(…)` (`Reception (100)` gives `100`).
        public var nameAddr: Bool?
        /// Prefixes removed when present (the first that matches).
        public var stripPrefix: [String]?
        /// Suffixes removed when present (the first that matches).
        public var stripSuffix: [String]?

        /// Creates a transform.
        public init(nameAddr: Bool? = nil, stripPrefix: [String]? = nil, stripSuffix: [String]? = nil) {
            self.nameAddr = nameAddr
            self.stripPrefix = stripPrefix
            self.stripSuffix = stripSuffix
        }
    }

    /// How quotes are read.
    public enum Quotes: String, Codable, Sendable {
        /// RFC 4180: a row that breaks quoting is rejected.
        case strict
        /// A row whose quoted fields hold unescaped quotes (`""Name" <1115>"`) is split again on
        /// quote-delimiter-quote boundaries; it is rejected only when that is ambiguous.
        case lenient
    }

    /// The field delimiter (one character), default `,`.
    public var delimiter: String?
    /// The quote character, default `"`.
    public var quote: String?
    /// Whether the first line is a header, default true.
    public var header: Bool?
    /// `epoch`, `epoch_ms`, `iso8601`, or a pattern of `%Y %y %m %b %d %H %I %M %S %f %p %z` and literal
    /// characters; default `%Y-%m-%d %H:%M:%S`.
    public var timeFormat: String?
    /// The zone the times are written in (IANA name), default UTC; `--timezone` overrides it.
    public var timezone: String?
    /// Which column holds which field.
    public var columns: Columns
    /// The file's disposition values mapped to cdrpipe names (`"16": "answered"`).
    public var dispositions: [String: String]?
    /// More time formats, tried in order after `timeFormat` (the first that reads a value wins).
    public var timeFormats: [String]?
    /// `seconds` (default) or `milliseconds`; `HH:MM:SS` and `MM:SS` are read as such in either.
    public var durationFormat: DurationFormat?
    /// Values read as empty, default `NULL`, `null`, `\N` and `-`.
    public var nulls: [String]?
    /// `strict` (default) or `lenient` quote reading.
    public var quotes: Quotes?
    /// Cleaning per field (`calling`, `dialled`, `diverting`, `carrier`, `egress`, `channel`, `account`,
    /// `sourceID`).
    public var transforms: [String: Transform]?
    /// Fixed values for text fields the file does not carry (`{"carrier": "VOIP-GW-1"}`).
    public var constants: [String: String]?

    /// The null spellings used when a mapping names none.
    public static let defaultNulls = ["NULL", "null", "\\N", "-"]
    /// The fields `transforms` may name.
    public static let transformable = [
        "calling", "dialled", "diverting", "carrier", "egress", "channel", "account", "sourceID",
    ]
    /// The fields `constants` may name.
    public static let constantFields = ["carrier", "egress", "channel", "account"]

    /// Every time format, `timeFormat` first, then `timeFormats`; the default when neither is given.
    public var allTimeFormats: [String] {
        let all = (timeFormat.map { [$0] } ?? []) + (timeFormats ?? [])
        return all.isEmpty ? [TimeFormat.defaultPattern] : all
    }

    /// Reads and validates a mapping file, with errors that name the file and the problem.
    public static func load(path: String) throws(SourceError) -> MappingFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SourceError("mapping file \(path): cannot be read")
        }
        let mapping: MappingFile
        do {
            mapping = try JSONDecoder().decode(MappingFile.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            let keyPath = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw SourceError("mapping file \(path): missing required key \(keyPath)")
        } catch let DecodingError.typeMismatch(type, context) {
            let keyPath = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw SourceError("mapping file \(path): \(keyPath) should be \(type)")
        } catch let DecodingError.dataCorrupted(context) {
            let keyPath = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw SourceError(
                "mapping file \(path): \(keyPath.isEmpty ? "" : keyPath + ": ")\(context.debugDescription)"
            )
        } catch {
            throw SourceError("mapping file \(path): \(error.localizedDescription)")
        }
        try mapping.validate(path: path)
        return mapping
    }

    func validate(path: String) throws(SourceError) {
        for (label, value) in [("delimiter", delimiter), ("quote", quote)] {
            if let value, value.utf8.count != 1 {
                throw SourceError("mapping file \(path): \(label) must be one ASCII character, got \"\(value)\"")
            }
        }
        if columns.end == nil && columns.duration == nil {
            throw SourceError("mapping file \(path): columns need end or duration")
        }
        for (value, name) in dispositions ?? [:] where Disposition(name: name) == nil {
            throw SourceError("mapping file \(path): disposition \"\(value)\" maps to unknown name \"\(name)\"")
        }
        if let timezone, LocalTimeConverter(identifier: timezone) == nil {
            throw SourceError("mapping file \(path): unknown time zone \"\(timezone)\"")
        }
        for format in allTimeFormats { _ = try TimeFormat(format) }
        for field in (transforms ?? [:]).keys where !Self.transformable.contains(field) {
            throw SourceError(
                "mapping file \(path): transforms.\(field) is not a field that can be transformed (\(Self.transformable.joined(separator: ", ")))"
            )
        }
        for field in (constants ?? [:]).keys where !Self.constantFields.contains(field) {
            throw SourceError(
                "mapping file \(path): constants.\(field) is not a field that can be constant (\(Self.constantFields.joined(separator: ", ")))"
            )
        }
        if header == false {
            let all =
                [columns.calling, columns.dialled, columns.start, columns.answer, columns.end]
                + (columns.diverting ?? [])
            if all.contains(where: { if case .name = $0 { true } else { false } }) {
                throw SourceError("mapping file \(path): header is false, so columns must be positions")
            }
        }
    }
}
