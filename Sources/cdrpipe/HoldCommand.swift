import ArgumentParser
import CDRModel
import CDRRetention
import CDRStorage
import Foundation

/// `cdrpipe hold`: legal holds that keep a number's full records past retention.
struct HoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Place, list and release legal holds on a number's full records.",
        subcommands: [Add.self, List.self, Release.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hold the records concerning a number.")

        @OptionGroup var options: PolicyOptions

        @Option(help: "The number, E.164 (+447911123456) or as dialled under --home-country.")
        var number: String

        @Option(help: "Earliest call start held (default: all earlier records).")
        var from: String?

        @Option(help: "Latest call start held; a date alone means the whole day (default: no end).")
        var to: String?

        @Option(name: .customLong("case"), help: "The dispute or case reference.")
        var caseRef: String

        @Option(help: "Why the records are held.")
        var reason: String

        func run() throws {
            let policy = try options.resolvedPolicy()
            let normalised: String
            do {
                let (value, kind) = try NumberNormaliser(plan: .forCountry(policy.homeCountryCode)).normalise(number)
                guard kind != .identifier, kind != .absent else {
                    throw ValidationError(
                        "--number \(number) is not a telephone number or extension (digits, E.164 or as dialled)"
                    )
                }
                normalised = value
            } catch let error as NumberProblem {
                throw ValidationError("--number: \(error.description)")
            }
            let holds = LegalHolds(
                store: try options.openStore(),
                vault: try options.vault(),
                actor: PolicyOptions.actor
            )
            let start = try parseDate(from, option: "--from")
            let end = try parseDate(to, option: "--to", endOfDay: true)
            do {
                let hold = try holds.add(
                    number: normalised,
                    from: start,
                    to: end,
                    caseRef: caseRef,
                    reason: reason
                )
                print("hold \(hold.id) placed on \(NumberNormaliser.mask(hold.number)) (case \(hold.caseRef))")
            } catch {
                throw CommandFailure(error.description)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List holds (active ones unless --all).")

        @OptionGroup var options: PolicyOptions

        @Flag(help: "Include released holds.")
        var all = false

        @Flag(help: "JSON output.")
        var json = false

        func run() throws {
            let holds = LegalHolds(
                store: try options.openStore(),
                vault: try options.vault(),
                actor: PolicyOptions.actor
            )
            let list: [Hold]
            do { list = try holds.list(includeReleased: all) } catch { throw CommandFailure(error.description) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(list), as: UTF8.self))
                return
            }
            print("id  number            from                  to                    case          status    reason")
            for hold in list {
                let columns = [
                    String(hold.id).padding(toLength: 4, withPad: " ", startingAt: 0),
                    NumberNormaliser.mask(hold.number).padding(toLength: 18, withPad: " ", startingAt: 0),
                    (hold.from.map(CivilTime.iso8601) ?? "-").padding(toLength: 22, withPad: " ", startingAt: 0),
                    (hold.to.map(CivilTime.iso8601) ?? "-").padding(toLength: 22, withPad: " ", startingAt: 0),
                    hold.caseRef.padding(toLength: 14, withPad: " ", startingAt: 0),
                    (hold.isActive ? "active" : "released").padding(toLength: 10, withPad: " ", startingAt: 0),
                    hold.reason,
                ]
                print(columns.joined())
            }
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Release a hold; its records are processed by the next retain run."
        )

        @OptionGroup var options: PolicyOptions

        @Argument(help: "The hold id (see `hold list`).")
        var id: Int64

        func run() throws {
            let holds = LegalHolds(
                store: try options.openStore(),
                vault: try options.vault(),
                actor: PolicyOptions.actor
            )
            do {
                let hold = try holds.release(id: id)
                print("hold \(hold.id) released (case \(hold.caseRef)); the next retain run processes its records")
            } catch {
                throw CommandFailure(error.description)
            }
        }
    }
}
