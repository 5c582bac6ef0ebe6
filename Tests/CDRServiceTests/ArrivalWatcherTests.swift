import CDRIngest
import Foundation
import Testing

@testable import CDRService

@Suite("Arrival of files in a source folder")
struct ArrivalWatcherTests {
    static func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cdr-drop-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ path: String, _ text: String, age: Double = 0) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let when = Date().addingTimeInterval(-age)
        try FileManager.default.setAttributes([.modificationDate: when], ofItemAtPath: path)
    }

    @Test("settle: a file still being written is not taken; one left alone for the settle time is")
    func settle() throws {
        let dir = try Self.folder()
        var source = FolderSource(name: "s", folder: dir)
        source.settleSeconds = 5
        let watcher = ArrivalWatcher(source: source)
        try Self.write(dir + "/new.csv", "a", age: 0)
        try Self.write(dir + "/old.csv", "b", age: 60)
        #expect(watcher.ready(now: Date()) == [dir + "/old.csv"])
        try Self.write(dir + "/new.csv", "ab", age: 0)
        #expect(watcher.ready(now: Date().addingTimeInterval(10)).contains(dir + "/new.csv") == false, "it grew")
        #expect(watcher.ready(now: Date().addingTimeInterval(20)).contains(dir + "/new.csv"))
    }

    @Test("rename: temporary and hidden names are ignored until the file is renamed into place")
    func rename() throws {
        let dir = try Self.folder()
        var source = FolderSource(name: "s", folder: dir)
        source.complete = .rename
        let watcher = ArrivalWatcher(source: source)
        for name in [".x.csv", "x.csv.tmp", "x.csv.part", "x.csv.filepart"] { try Self.write(dir + "/" + name, "a") }
        try FileManager.default.createDirectory(atPath: dir + "/processed", withIntermediateDirectories: true)
        try Self.write(dir + "/processed/y.csv", "a")
        #expect(watcher.ready(now: Date()).isEmpty)
        try FileManager.default.moveItem(atPath: dir + "/x.csv.tmp", toPath: dir + "/x.csv")
        #expect(watcher.ready(now: Date()) == [dir + "/x.csv"])
    }

    @Test("marker: a file is taken once its .done marker exists, and the marker itself never is")
    func marker() throws {
        let dir = try Self.folder()
        var source = FolderSource(name: "s", folder: dir)
        source.complete = .marker
        let watcher = ArrivalWatcher(source: source)
        try Self.write(dir + "/x.csv", "a")
        #expect(watcher.ready(now: Date()).isEmpty)
        try Self.write(dir + "/x.csv.done", "")
        #expect(watcher.ready(now: Date()) == [dir + "/x.csv"])
    }

    @Test("a file left in place is not taken again until it changes")
    func leftInPlace() throws {
        let dir = try Self.folder()
        var source = FolderSource(name: "s", folder: dir)
        source.complete = .rename
        source.after = .leave
        let watcher = ArrivalWatcher(source: source)
        try Self.write(dir + "/x.csv", "a", age: 30)
        #expect(watcher.ready(now: Date()) == [dir + "/x.csv"])
        watcher.markHandled(dir + "/x.csv")
        #expect(watcher.ready(now: Date()).isEmpty)
        try Self.write(dir + "/x.csv", "ab")
        #expect(watcher.ready(now: Date()) == [dir + "/x.csv"], "rewritten: a new version")
    }

    @Test("moving never overwrites: a second file of the same name gets a suffix")
    func freeNames() throws {
        let dir = try Self.folder()
        #expect(FileDisposal.free(in: dir, name: "x.csv") == dir + "/x.csv")
        try Self.write(dir + "/x.csv", "a")
        #expect(FileDisposal.free(in: dir, name: "x.csv") == dir + "/x.csv.1")
    }
}
