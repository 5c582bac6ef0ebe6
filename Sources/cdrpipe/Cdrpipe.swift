import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The exit statuses a script can tell apart.
enum ExitStatus {
    /// Records rejected, files failed or incomplete, or a command's own failure.
    static let failure: Int32 = 1
    /// A usage error: a bad option, a missing file or database.
    static let usage: Int32 = 2
    /// Another ingest holds the database.
    static let busy: Int32 = 3
    /// The operating system failed a read or write (disk full, permission, I/O error); the message names the
    /// file and the reason.
    static let ioError: Int32 = 4
}

/// The `cdrpipe` command tree. Exit status: see ``ExitStatus``.
@main
struct Cdrpipe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cdrpipe",
        abstract: "Call detail record pipeline: ingest, store, and inspect CDRs.",
        subcommands: [
            IngestCommand.self, GenerateCommand.self, RecordsCommand.self, RetainCommand.self, HoldCommand.self,
            AggregatesCommand.self, AlertsCommand.self, DetectCommand.self, UsersCommand.self, SubjectCommand.self,
            AuditCommand.self,
            ServeCommand.self, RunCommand.self, BackupCommand.self, RestoreCommand.self, DemoCommand.self,
            ParseCommand.self,
            MappingCommand.self,
        ]
    )

    static func main() {
        returnFreedMemory()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("cdrpipe: \(failure.message)\n".utf8))
            Foundation.exit(failure.code)
        } catch {
            let code = exitCode(for: error)
            if code == .success || code.rawValue == ExitCode.failure.rawValue && error is ExitCode {
                exit(withError: error)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code == .validationFailure || error is ValidationError ? 2 : code.rawValue == 0 ? 0 : 2)
        }
    }
}

/// Has glibc give freed memory back to the system once 2 MiB lie free at the top of a heap. Its default
/// threshold rises with every large block freed, up to 64 MiB, so the detectors' tables, grown by doubling,
/// left their old blocks resident. A fixed threshold takes a 1.8M-record load with detection from 131 MB to
/// 125 MB peak RSS in the same time (`docs/benchmarks.md`).
private func returnFreedMemory() {
    #if canImport(Glibc)
    // `mallopt` and `M_TRIM_THRESHOLD` come from <malloc.h>, which the Glibc module does not import.
    typealias SetMallocOption = @convention(c) (Int32, Int32) -> Int32
    guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return }
    let trimThreshold: Int32 = -1
    _ = unsafeBitCast(symbol, to: SetMallocOption.self)(trimThreshold, 2 << 20)
    #endif
}

/// A command's failure with its exit status and a message for the user.
struct CommandFailure: Error {
    var code: Int32
    var message: String

    init(_ message: String, code: Int32 = 1) {
        self.message = message
        self.code = code
    }
}
