import ArgumentParser
import CDRAccess
import CDRPostgres
import CDRSQLite
import CDRStorage
import Foundation

/// `cdrpipe users`: API identities, each with one role and a token shown once.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, list and revoke API users (each with one role; tokens are stored only as hashes).",
        subcommands: [Add.self, List.self, Revoke.self]
    )

    /// The database and an opened store.
    struct Database: ParsableArguments {
        @Option(
            help: "The SQLite database file, or postgres://user@host[:port]/dbname for `audit` (default: $CDRPIPE_DB)."
        )
        var db: String = ProcessInfo.processInfo.environment["CDRPIPE_DB"] ?? ""

        @Option(
            name: .customLong("key-dir"),
            help: "The key folder holding the audit chain key (default: <db>.keys; needed with PostgreSQL)."
        )
        var keyDir: String?

        func validate() throws {
            guard !db.isEmpty else { throw ValidationError("--db is required (or set CDRPIPE_DB)") }
        }

        /// Opens the database, SQLite or PostgreSQL; a command that only reads (`mustExist`) never creates
        /// a SQLite file where none is.
        func open(mustExist: Bool = false) throws -> any ServingConnection {
            try StoreLocation(db).open(keyDirectory: keyDir, mustExist: mustExist)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user and print its API token once.")

        @OptionGroup var database: Database

        @Option(help: "The role: operator, analyst, fraud, admin, auditor, or ingest (a switch pushing CDRs to `run`).")
        var role: Role

        @Argument(help: "The user's name (letters, digits, . _ - @).")
        var name: String

        func validate() throws {
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")
            guard !name.isEmpty, name.count <= 64, name.allSatisfy(allowed.contains) else {
                throw ValidationError("NAME \"\(name)\" must be 1–64 letters, digits or . _ - @")
            }
        }

        func run() throws {
            let store = try database.open()
            do {
                if try store.users().contains(where: { $0.name == name }) {
                    throw CommandFailure("user \(name) already exists (names are never reused; pick another)")
                }
                let token = try store.atomically {
                    let token = try store.addUser(name: name, role: role.rawValue, at: SQLiteStore.now())
                    try store.appendAudit(
                        actor: PolicyOptions.actor,
                        action: "users add",
                        subject: name,
                        outcome: "ok",
                        detail: "role \(role.rawValue)"
                    )
                    return token
                }
                print("user \(name) (\(role.rawValue)) added; API token, shown only now:")
                print(token)
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw CommandFailure("\(error)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users, their roles and whether revoked.")

        @OptionGroup var database: Database

        func run() throws {
            let users: [UserRow]
            do {
                users = try database.open(mustExist: true).users()
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw CommandFailure("\(error)")
            }
            print("name".padding(toLength: 24, withPad: " ", startingAt: 0) + "role      created               status")
            for user in users {
                let status = user.revokedAt.map { "revoked " + Self.time($0) } ?? "active"
                print(
                    user.name.padding(toLength: 24, withPad: " ", startingAt: 0)
                        + user.role.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + Self.time(user.createdAt) + "  " + status
                )
            }
        }

        static func time(_ epoch: Int64) -> String {
            let formatter = ISO8601DateFormatter()
            return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a user's token at once.")

        @OptionGroup var database: Database

        @Argument(help: "The user's name.")
        var name: String

        func run() throws {
            let store = try database.open()
            let revoked: Bool
            do {
                revoked = try store.atomically {
                    let revoked = try store.revokeUser(name: name, at: SQLiteStore.now())
                    try store.appendAudit(
                        actor: PolicyOptions.actor,
                        action: "users revoke",
                        subject: name,
                        outcome: revoked ? "ok" : "no active user",
                        detail: ""
                    )
                    return revoked
                }
            } catch {
                throw CommandFailure("\(error)")
            }
            guard revoked else { throw CommandFailure("no active user named \(name)") }
            print("user \(name) revoked")
        }
    }
}

extension Role: ExpressibleByArgument {}
