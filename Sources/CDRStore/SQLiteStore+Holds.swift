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
