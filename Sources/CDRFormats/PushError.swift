/// Why a pushed document was refused, naming the field (`variables.start_epoch`, `[3].dialled`).
public struct PushError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field at fault, or empty for the whole document.
    public var field: String
    /// What is wrong, for a person.
    public var reason: String

    /// Creates an error.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// `field: reason`.
    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }
}
