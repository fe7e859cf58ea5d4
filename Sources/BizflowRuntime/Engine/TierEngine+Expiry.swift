import Foundation

extension TierEngine {
    /// Sweeps the partitions whose sweep is due for keys unchanged for `ttl`: what goes is a change of the batch.
    /// A sweep every tenth of the TTL (at most a minute apart) keeps a forgotten key's overstay under 10 %.
    mutating func expire(olderThan ttl: Duration, mayExpire: (_ store: String, _ value: [UInt8]) -> Bool) {
        let seconds = ttl.seconds
        let time = now.timeIntervalSince1970
        for (partition, store) in stores where store.nextSweep <= time {
            store.nextSweep = time + min(seconds / 10, 60)
            let expired = store.expire(changedBefore: time - seconds) { store, value in
                switch store {
                case Self.seenStore: true
                case Self.parkedStore, DurableTimer.store: false  // a parked key waits for its replay; timers fire
                default: mayExpire(store, value)
                }
            }
            if expired > 0 {
                touched.insert(partition)
                counts.expiredEntries += expired
            }
        }
    }
}
