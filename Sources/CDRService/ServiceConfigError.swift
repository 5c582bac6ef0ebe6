/// A problem in a service config file, naming the key it is at (`sources[1].settleSeconds`).
public struct ServiceConfigError: Error, Sendable, CustomStringConvertible {
    /// The config file.
    public var file: String
    /// The key path, or empty for the whole file.
    public var key: String
    /// What is wrong, for a person.
    public var problem: String

    /// Creates an error.
    public init(file: String, key: String, problem: String) {
        self.file = file
        self.key = key
        self.problem = problem
    }

    /// `file: key: problem`.
    public var description: String { "\(file): " + (key.isEmpty ? "" : "\(key): ") + problem }

    /// The key path of a decoding path: `sources[1].settleSeconds`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    /// The error for a decoding failure, with the key it happened at.
    static func decoding(_ error: DecodingError, file: String) -> ServiceConfigError {
        switch error {
        case .keyNotFound(let key, let context):
            return ServiceConfigError(
                file: file,
                key: path(context.codingPath + [key]),
                problem: "missing (required)"
            )
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return ServiceConfigError(file: file, key: path(context.codingPath), problem: "expected \(Self.name(type))")
        case .dataCorrupted(let context):
            return ServiceConfigError(file: file, key: path(context.codingPath), problem: context.debugDescription)
        @unknown default:
            return ServiceConfigError(file: file, key: "", problem: "\(error)")
        }
    }

    private static func name(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: "an object"
        }
    }
}

/// Any key, to list the keys an object has.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws for the first key of this object not in `allowed`, naming it and the keys that are allowed.
    func rejectUnknownKeys(_ allowed: some Sequence<String>) throws {
        let known = Set(allowed)
        let container = try container(keyedBy: AnyKey.self)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue })
        where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key],
                    debugDescription: "unknown key; this object takes " + known.sorted().joined(separator: ", ")
                )
            )
        }
    }
}
