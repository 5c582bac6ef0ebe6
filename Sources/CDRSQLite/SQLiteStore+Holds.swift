import CDRStorage

extension SQLiteStore {
    /// Places a hold; returns it with its id.
    public func addHold(
        number: String,
        from: Int64?,
        to: Int64?,
        caseRef: String,
        reason: String,
        by actor: String
    ) throws(StoreError) -> Hold {
        let statement = try connection.prepare(
            """
            INSERT INTO holds(number, from_at, to_at, case_ref, reason, created_at, created_by)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """
        )
        let now = Self.now()
        statement.bind(1, number)
        statement.bind(2, from)
        statement.bind(3, to)
        statement.bind(4, caseRef)
        statement.bind(5, reason)
        statement.bind(6, now)
        statement.bind(7, actor)
        try statement.step()
        return Hold(
            id: connection.lastInsertID,
            number: number,
            from: from,
            to: to,
            caseRef: caseRef,
            reason: reason,
            createdAt: now,
            createdBy: actor
        )
    }

    /// The holds, active ones only unless `includeReleased`, oldest first.
    public func holds(includeReleased: Bool = false) throws(StoreError) -> [Hold] {
        let statement = try connection.prepare(
            """
            SELECT id, number, from_at, to_at, case_ref, reason, created_at, created_by, released_at, released_by
            FROM holds
            """ + (includeReleased ? "" : " WHERE released_at IS NULL") + " ORDER BY id"
        )
        var result: [Hold] = []
        while try statement.step() {
            result.append(
                Hold(
                    id: statement.int(0),
                    number: statement.text(1),
                    from: statement.optionalInt(2),
                    to: statement.optionalInt(3),
                    caseRef: statement.text(4),
                    reason: statement.text(5),
                    createdAt: statement.int(6),
                    createdBy: statement.text(7),
                    releasedAt: statement.optionalInt(8),
                    releasedBy: statement.optionalText(9)
                )
            )
        }
        return result
    }

    /// Brings this database's holds up to `later`, the holds of a newer copy of it (the database a restore
    /// replaces): holds placed there are placed here with their ids and history, holds released there are
    /// released here. Returns how many holds were placed and how many released.
    public func replayHolds(_ later: [Hold]) throws(StoreError) -> (placed: Int, released: Int) {
        let current = Dictionary(uniqueKeysWithValues: try holds(includeReleased: true).map { ($0.id, $0) })
        var placed = 0
        var released = 0
        for hold in later {
            if let mine = current[hold.id] {
                guard mine.isActive, let at = hold.releasedAt else { continue }
                let statement = try connection.prepare(
                    "UPDATE holds SET released_at = ?, released_by = ? WHERE id = ? AND released_at IS NULL"
                )
                statement.bind(1, at)
                statement.bind(2, hold.releasedBy ?? "")
                statement.bind(3, hold.id)
                try statement.step()
                released += 1
                continue
            }
            let statement = try connection.prepare(
                """
                INSERT INTO holds(id, number, from_at, to_at, case_ref, reason, created_at, created_by, released_at,
                    released_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            )
            statement.bind(1, hold.id)
            statement.bind(2, hold.number)
            statement.bind(3, hold.from)
            statement.bind(4, hold.to)
            statement.bind(5, hold.caseRef)
            statement.bind(6, hold.reason)
            statement.bind(7, hold.createdAt)
            statement.bind(8, hold.createdBy)
            statement.bind(9, hold.releasedAt)
            statement.bind(10, hold.releasedBy)
            try statement.step()
            placed += 1
            if !hold.isActive { released += 1 }
        }
        return (placed, released)
    }

    /// Releases an active hold; returns it, or nil when no active hold has that id.
    public func releaseHold(id: Int64, by actor: String) throws(StoreError) -> Hold? {
        guard let hold = try holds().first(where: { $0.id == id }) else { return nil }
        let statement = try connection.prepare(
            "UPDATE holds SET released_at = ?, released_by = ? WHERE id = ? AND released_at IS NULL"
        )
        let now = Self.now()
        statement.bind(1, now)
        statement.bind(2, actor)
        statement.bind(3, id)
        try statement.step()
        var released = hold
        released.releasedAt = now
        released.releasedBy = actor
        return released
    }
}
