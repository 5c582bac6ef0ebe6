import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The second, off-site copy of a backup, checked after copying: either a folder (a mounted remote
/// volume), re-read and hashed; or a command that receives each file on standard input, with its name in
/// `CDRPIPE_BACKUP_FILE`, and prints the SHA-256 of what it stored as the first word of its output, e.g.
/// `ssh backup@vault 'tee /srv/cdr/$CDRPIPE_BACKUP_FILE | sha256sum'`.
public enum OffsiteCopy: Sendable {
    /// Copy into a folder.
    case directory(String)
    /// Pipe into a shell command.
    case command(String)

    /// Copies the backup's payload and manifest from `shelf` and checks each copy's SHA-256.
    public func send(_ manifest: BackupManifest, from shelf: BackupShelf) throws(BackupError) {
        let legal = LegalBundle.fileName(payload: manifest.payload)
        let bundle = FileManager.default.fileExists(atPath: shelf.directory + "/" + legal) ? [legal] : []
        for name in [manifest.payload] + bundle + [BackupManifest.fileName(payload: manifest.payload)] {
            let source = shelf.directory + "/" + name
            let expected = try Self.sha256(of: source)
            switch self {
            case .directory(let folder):
                _ = try BackupShelf(directory: folder)
                let temporary = folder + "/." + name + ".tmp"
                try Self.copy(source, to: temporary)
                guard try Self.sha256(of: temporary) == expected else {
                    unlink(temporary)
                    throw .io(path: folder + "/" + name, problem: "the off-site copy's SHA-256 differs; removed")
                }
                try RawFile.rename(temporary, to: folder + "/" + name)
            case .command(let command):
                let reported = try Self.pipe(source, name: name, into: command)
                guard reported == expected else {
                    throw .io(
                        path: name,
                        problem:
                            "the off-site command reported SHA-256 \(reported.isEmpty ? "nothing" : reported), expected \(expected)"
                    )
                }
            }
        }
    }

    static func sha256(of path: String) throws(BackupError) -> String {
        let file = try RawFile(reading: path)
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try file.readFully(into: &buffer)
            if n == 0 { break }
            hasher.update(data: buffer[0..<n])
        }
        return hex(Array(hasher.finalize()))
    }

    static func copy(_ source: String, to target: String) throws(BackupError) {
        let input = try RawFile(reading: source)
        let output = try RawFile(writing: target)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try input.readFully(into: &buffer)
            if n == 0 { break }
            try output.write(Array(buffer[0..<n]))
        }
        try output.syncAndClose()
    }

    static func pipe(_ source: String, name: String, into command: String) throws(BackupError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var environment = ProcessInfo.processInfo.environment
        environment["CDRPIPE_BACKUP_FILE"] = name
        process.environment = environment
        guard let input = FileHandle(forReadingAtPath: source) else {
            throw .io(path: source, problem: "cannot be read")
        }
        process.standardInput = input
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { throw .io(path: "/bin/sh", problem: "\(error)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .io(path: name, problem: "the off-site command exited with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
            .first.map(String.init)?.lowercased() ?? ""
    }
}
