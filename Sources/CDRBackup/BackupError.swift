/// Why a backup, verification, prune or restore could not be done; each names the file and what to do.
public enum BackupError: Error, Sendable, CustomStringConvertible {
    /// A file could not be read, written or renamed.
    case io(path: String, problem: String)
    /// The key file is missing, malformed or readable by others.
    case key(path: String, problem: String)
    /// A backup's bytes do not authenticate or do not match its manifest: it was altered or damaged.
    case corrupt(path: String, problem: String)
    /// The backup was sealed with a different key.
    case wrongKey(path: String)
    /// The request cannot be done as asked.
    case refused(String)
    /// The database refused an operation.
    case store(String)

    /// A sentence for the operator.
    public var description: String {
        switch self {
        case .io(let path, let problem): "\(path): \(problem)"
        case .key(let path, let problem): "backup key \(path): \(problem)"
        case .corrupt(let path, let problem): "\(path) is damaged or was altered: \(problem); nothing was changed"
        case .wrongKey(let path):
            "\(path) was sealed with a different key (check --key); nothing was changed"
        case .refused(let message): message
        case .store(let message): message
        }
    }
}
