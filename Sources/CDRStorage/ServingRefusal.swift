/// Why a serving store did not answer: the server turns each into 503 with `Retry-After`.
public enum ServingRefusal: Error, Sendable, Equatable {
    /// Every connection is busy and the queue is full.
    case saturated
    /// The work ran past the time limit and was cut short.
    case timeLimit
}
