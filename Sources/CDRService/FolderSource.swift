import CDRFormats
import CDRModel
import Foundation

/// One folder a switch drops CDR files into, and how to read and handle them.
public struct FolderSource: Decodable, Sendable {
    /// When a file in the folder is complete and may be read.
    public enum Completion: String, Decodable, Sendable, CaseIterable {
        /// The switch writes under a temporary name (hidden, `.tmp`, `.part`, `.partial`, `.filepart`) and
        /// renames the file into place: every other file is complete.
        case rename
        /// Complete once its size and modification time have not changed for `settleSeconds`.
        case settle
        /// Complete once a marker file (the name plus `markerSuffix`, e.g. `x.csv.done`) exists.
        case marker
    }

    /// What happens to a file once handled.
    public enum AfterLoad: String, Decodable, Sendable, CaseIterable {
        /// Left where it is (the files registry knows it was loaded).
        case leave
        /// Moved to `processed/`, or to `failed/` with a `.reason.txt` beside it.
        case move
    }

    /// The source's name in logs, metrics, health and `POST /v1/cdrs?source=` (letters, digits, `_`, `-`).
    public var name: String
    /// The folder (not walked: sub-folders such as `processed/` are never read); empty for a source that
    /// only takes CDRs pushed over HTTP.
    public var folder: String
    /// Input format: auto, asterisk, asterisk-custom, freeswitch, cucm, 3gpp-ber or mapped.
    public var format = "auto"
    /// A mapping file for an operator CSV.
    public var mapping: String?
    /// A FreeSWITCH cdr_csv template.
    public var template: String?
    /// The zone the switch writes local times in (default UTC, or the mapping's).
    public var timezone: String?
    /// Home country calling code for national numbers.
    public var homeCountry = "44"
    /// International access prefixes (e.g. 00).
    public var internationalPrefixes: [String] = []
    /// PBX outside-line codes dialled before numbers.
    public var accessPrefixes: [String] = []
    /// The originating carrier written on records that name none (e.g. the switch's interconnect partner).
    public var carrier: String?
    /// When a file is complete.
    public var complete = Completion.settle
    /// Seconds a file must stay unchanged (``Completion/settle``).
    public var settleSeconds = 5.0
    /// The marker suffix (``Completion/marker``).
    public var markerSuffix = ".done"
    /// What happens to a handled file.
    public var after = AfterLoad.move
    /// Minutes without a new file after which the source is reported stale, or nil for never.
    public var staleMinutes: Double?

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case name, folder, format, mapping, template, timezone, homeCountry, internationalPrefixes, accessPrefixes,
            carrier
        case complete, settleSeconds, markerSuffix, after, staleMinutes
    }

    /// A source with the defaults: settle for 5 seconds, then move.
    public init(name: String, folder: String) {
        self.name = name
        self.folder = folder
    }

    /// Decodes a source, refusing unknown keys.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        folder = try container.decodeIfPresent(String.self, forKey: .folder) ?? ""
        format = try container.decodeIfPresent(String.self, forKey: .format) ?? "auto"
        mapping = try container.decodeIfPresent(String.self, forKey: .mapping)
        template = try container.decodeIfPresent(String.self, forKey: .template)
        timezone = try container.decodeIfPresent(String.self, forKey: .timezone)
        homeCountry = try container.decodeIfPresent(String.self, forKey: .homeCountry) ?? "44"
        internationalPrefixes = try container.decodeIfPresent([String].self, forKey: .internationalPrefixes) ?? []
        accessPrefixes = try container.decodeIfPresent([String].self, forKey: .accessPrefixes) ?? []
        carrier = try container.decodeIfPresent(String.self, forKey: .carrier)
        complete = try Self.decodeChoice(container, .complete) ?? .settle
        settleSeconds = try container.decodeIfPresent(Double.self, forKey: .settleSeconds) ?? 5
        markerSuffix = try container.decodeIfPresent(String.self, forKey: .markerSuffix) ?? ".done"
        after = try Self.decodeChoice(container, .after) ?? .move
        staleMinutes = try container.decodeIfPresent(Double.self, forKey: .staleMinutes)
    }

    private static func decodeChoice<T: RawRepresentable & CaseIterable>(
        _ container: KeyedDecodingContainer<CodingKeys>,
        _ key: CodingKeys
    ) throws -> T? where T.RawValue == String {
        guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let value = T(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: container,
                debugDescription: "\(text) is not one of " + T.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        return value
    }

    func problem() -> KeyProblem? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        if name.isEmpty || name.count > 64 || !name.allSatisfy(allowed.contains) {
            return KeyProblem(key: "name", text: "\"\(name)\" must be 1–64 letters, digits, '_' or '-'")
        }
        var isDirectory: ObjCBool = false
        if !folder.isEmpty,
            !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue
        {
            return KeyProblem(key: "folder", text: "\(folder) is not a folder")
        }
        if InputFormat(rawValue: format) == nil {
            return KeyProblem(
                key: "format",
                text: "\(format) is not one of " + InputFormat.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        if format == "mapped", mapping == nil { return KeyProblem(key: "mapping", text: "needed with format mapped") }
        if let timezone, LocalTimeConverter(identifier: timezone) == nil {
            return KeyProblem(key: "timezone", text: "\(timezone) is not a known time zone")
        }
        if homeCountry.isEmpty || homeCountry.count > 3 || !homeCountry.allSatisfy(\.isASCII) || Int(homeCountry) == nil
        {
            return KeyProblem(key: "homeCountry", text: "\(homeCountry) is not a country calling code")
        }
        if let carrier, carrier.isEmpty || carrier.count > 64 || carrier.contains(where: \.isNewline) {
            return KeyProblem(key: "carrier", text: "must be 1–64 characters on one line")
        }
        if !(settleSeconds >= 0 && settleSeconds <= 3600) {
            return KeyProblem(key: "settleSeconds", text: "must be 0–3600")
        }
        if markerSuffix.count < 2 || !markerSuffix.hasPrefix(".") || markerSuffix.contains("/") {
            return KeyProblem(key: "markerSuffix", text: "\(markerSuffix) must start with '.' (e.g. .done)")
        }
        if let staleMinutes, !(staleMinutes > 0 && staleMinutes <= 100_000) {
            return KeyProblem(key: "staleMinutes", text: "must be over 0 and at most 100000")
        }
        return nil
    }
}
