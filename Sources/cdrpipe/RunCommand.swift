import ArgumentParser
import CDRBackup
import CDRIngest
import CDRRetention
import CDRSQLite
import CDRServer
import CDRService
import Foundation
import Synchronization

/// `cdrpipe run`: the whole pipeline as one long-running service, from one config file.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run as a service: collect files from folders, detect fraud, serve the API, keep the schedule.",
        discussion: """
            Everything comes from one JSON config file (see deploy/cdrpipe.json). Stops on SIGTERM or SIGINT \
            after the file being loaded; a kill -9 loses and doubles nothing (files resume or reload by hash).
            """
    )

    @Option(help: "The service config file (JSON).")
    var config: String?

    @Option(help: "Check a config file, name the first bad key, and exit.")
    var check: String?

    func validate() throws {
        guard (config == nil) != (check == nil) else { throw ValidationError("give --config FILE or --check FILE") }
    }

    func run() throws {
        let plan = try ServicePlan(path: check ?? config ?? "")
        if check != nil {
            let sources = plan.config.sources.map(\.name).joined(separator: ", ")
            print(
                "\(plan.file): ok — \(plan.config.sources.count) sources (\(sources)); database \(plan.config.store.db)"
            )
            return
        }
        try ServiceRunner(plan: plan).run()
    }
}

/// Prints one line of the service's log on standard error (journald keeps it).
func serviceLog(_ line: String) {
    FileHandle.standardError.write(Data("cdrpipe run: \(line)\n".utf8))
}
