/// The Wilson score interval of a proportion: where the true rate behind `successes` out of `trials`
/// plausibly lies, so that a rate judged from 50 calls is not taken as exact.
struct WilsonInterval: Sendable, Equatable {
    /// The lower bound.
    let lower: Double
    /// The upper bound.
    let upper: Double

    /// The interval at `z` standard errors (1.96: 95 % two-sided); with no trials, all of 0...1.
    init(successes: Double, trials: Double, z: Double = 1.96) {
        guard trials > 0 else {
            lower = 0
            upper = 1
            return
        }
        let p = min(max(successes / trials, 0), 1)
        let z2 = z * z
        let centre = p + z2 / (2 * trials)
        let spread = z * (p * (1 - p) / trials + z2 / (4 * trials * trials)).squareRoot()
        let denominator = 1 + z2 / trials
        lower = max(0, (centre - spread) / denominator)
        upper = min(1, (centre + spread) / denominator)
    }
}
