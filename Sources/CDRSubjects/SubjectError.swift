import CDRModel
import CDRRetention
import CDRStorage

/// Why a data-subject request or an investigation query could not be answered.
public enum SubjectError: Error, Sendable, CustomStringConvertible {
    /// The number given is not a number cdrpipe can look up (printed masked).
    case number(String, NumberProblem)
    /// A parameter is out of range or malformed.
    case invalid(String)
    /// The store refused the operation.
    case store(StoreError)
    /// A key could not be read or created.
    case key(RetentionError)

    /// A sentence for the person who asked.
    public var description: String {
        switch self {
        case .number(let text, let problem): "number \(NumberNormaliser.mask(text)): \(problem.description)"
        case .invalid(let message): message
        case .store(let error): error.description
        case .key(let error): error.description
        }
    }
}
