import CDRModel
import CDRStorage

extension ProfileStore {
    /// Saves the baselines `take` hands over in chunks (every live subject's at the end of a run), one chunk
    /// at a time; throws the first failure, after which the remaining chunks are let go.
    func saveBaselines(inChunks take: (_ hand: ([SubjectBaseline]) -> Void) -> Void) throws {
        var failure: (any Error)?
        take { chunk in
            guard failure == nil else { return }
            do { try saveBaselines(chunk) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}
