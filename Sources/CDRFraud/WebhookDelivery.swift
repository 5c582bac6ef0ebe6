import Foundation

#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Delivers alert reports to a fraud team's webhook (HTTP POST of the JSON report) through a spool: each
/// report is written to the spool folder first and deleted only after the receiver answered 2xx, so a
/// report is never lost to a network fault; undelivered reports are retried, oldest first, on the next
/// delivery.
public struct WebhookDelivery: Sendable {
    /// The receiver.
    public var url: URL
    /// The spool folder (mode 0700; files 0600).
    public var spool: String
    /// Tries per report in one delivery.
    public var attempts: Int
    /// Seconds before the first retry; doubled for each further retry.
    public var backoff: Double
    /// Seconds to wait for the receiver.
    public var timeout: Double

    /// Creates a delivery.
    public init(url: URL, spool: String, attempts: Int = 4, backoff: Double = 1, timeout: Double = 10) {
        self.url = url
        self.spool = spool
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.timeout = timeout
    }

    /// What one delivery did.
    public struct Outcome: Sendable, Equatable {
        /// Reports the receiver acknowledged (and that left the spool).
        public var delivered: [String]
        /// Reports still in the spool, with the last failure.
        public var pending: [String: String]
    }

    /// Puts a report in the spool under `name` (e.g. `alerts-20261125T030000Z.json`).
    public func enqueue(_ body: Data, name: String) throws {
        try FileManager.default.createDirectory(
            atPath: spool,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let path = spool + "/" + name
        let temporary = path + ".part"
        guard FileManager.default.createFile(atPath: temporary, contents: body, attributes: [.posixPermissions: 0o600])
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Sends every spooled report, oldest first, retrying each with exponential backoff.
    public func deliver() -> Outcome {
        var outcome = Outcome(delivered: [], pending: [:])
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
        for name in names {
            let path = spool + "/" + name
            guard let body = FileManager.default.contents(atPath: path) else { continue }
            var failure = ""
            for attempt in 0..<attempts {
                if attempt > 0 { Thread.sleep(forTimeInterval: backoff * pow(2, Double(attempt - 1))) }
                switch post(body) {
                case .success:
                    try? FileManager.default.removeItem(atPath: path)
                    failure = ""
                case .failure(let reason):
                    failure = reason
                    continue
                }
                break
            }
            if failure.isEmpty { outcome.delivered.append(name) } else { outcome.pending[name] = failure }
        }
        return outcome
    }

    private enum Attempt {
        case success
        case failure(String)
    }

    private func post(_ body: Data) -> Attempt {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        let task = URLSession.shared.dataTask(with: request) { _, response, error in
            if let error {
                result.set(.failure(error.localizedDescription))
            } else if let status = (response as? HTTPURLResponse)?.statusCode {
                result.set((200..<300).contains(status) ? .success : .failure("HTTP \(status)"))
            } else {
                result.set(.failure("no HTTP response"))
            }
            done.signal()
        }
        task.resume()
        done.wait()
        return result.value ?? .failure("no answer")
    }

    /// Carries the outcome out of URLSession's callback.
    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Attempt?
        var value: Attempt? {
            lock.lock()
            defer { lock.unlock() }
            return stored
        }
        func set(_ attempt: Attempt) {
            lock.lock()
            stored = attempt
            lock.unlock()
        }
    }
}
