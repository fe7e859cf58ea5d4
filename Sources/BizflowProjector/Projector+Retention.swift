import BizflowPostgres

extension Projector {
    /// Chunks deleted per check at most, so one check never holds up batches for long.
    static let retentionChunk = 10_000
    static let retentionChunksPerCheck = 10

    /// Deletes applied-event ids older than `retention`, a chunk at a time; a failure is logged and retried at the
    /// next check (the ids only cost space meanwhile).
    func forgetApplied(olderThan retention: Duration) async {
        var total = 0
        do {
            for _ in 0..<Self.retentionChunksPerCheck {
                let chunk = Self.retentionChunk
                guard let gone = try await database.withSession({
                    try ProjectorStore.forgetApplied($0, olderThan: retention, limit: chunk)
                }) else { break }  // another projector is at it
                total += gone
                if gone < chunk { break }
            }
        } catch {
            logger.warning("forgetting old applied-event ids failed: retrying later", metadata: ["error": "\(error)"])
        }
        if total > 0 {
            metrics.forgotten.increment(by: total)
            logger.info("forgot old applied-event ids", metadata: ["ids": "\(total)", "older than": "\(retention)"])
        }
    }
}
