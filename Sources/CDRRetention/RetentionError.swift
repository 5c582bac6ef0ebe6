import CDRModel
import CDRStorage

/// Why a retention, hold or aggregate operation could not be done.
public enum RetentionError: Error, Sendable, CustomStringConvertible {
    /// A policy setting is missing, malformed or incoherent.
    case policy(file: String, field: String?, problem: String)
    /// A key file could not be created, read or destroyed.
    case key(path: String, problem: String)
    /// The store refused an operation.
    case store(StoreError)
    /// A batch deleted a different number of records than it rolled up; it was rolled back.
    case mismatch(day: UTCDay, rolledUp: Int64, deleted: Int64)
    /// A request named something that does not exist or is not allowed.
    case invalid(String)

    /// A sentence for the operator.
    public var description: String {
        switch self {
        case .policy(let file, let field, let problem):
            "retention policy (\(file))\(field.map { ": \($0)" } ?? "") \(problem)"
        case .key(let path, let problem): "key file \(path): \(problem)"
        case .store(let error): error.description
        case .mismatch(let day, let rolledUp, let deleted):
            "day \(day): rolled up \(rolledUp) records but would delete \(deleted); nothing was changed"
        case .invalid(let message): message
        }
    }
}

extension RetentionError {
    /// Runs `body`, turning store and other errors into retention errors.
    static func wrapping<T>(_ body: () throws -> T) throws(RetentionError) -> T {
        do {
            return try body()
        } catch let error as RetentionError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .invalid("\(error)")
        }
    }
}
