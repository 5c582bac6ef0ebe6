#if canImport(Glibc)
import Glibc
#endif

/// The wall clock every store stamps rows with.
public enum StoreClock {
    /// The current time in epoch seconds.
    public static func now() -> Int64 { Int64(time(nil)) }
}
