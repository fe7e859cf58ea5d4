import CLMDB
import Foundation

/// An `OrderedKeyValueStore` over LMDB: one environment (a directory with `data.mdb` and `lock.mdb`), one unnamed
/// database. Reads are served from the memory map without copying into a cache of its own, so what it costs in
/// memory is the operating system's page cache, which the kernel reclaims under pressure. Writes are not synced
/// one by one (the changelog is the source of truth and an unclean close wipes the store); `sync` runs before a
/// clean close.
public final class LMDBStore: OrderedKeyValueStore, @unchecked Sendable {
    public let path: String
    private let env: OpaquePointer
    private let dbi: MDB_dbi
    /// One read transaction, renewed after every write so reads see it (reset and renewed rather than begun anew:
    /// cheaper, and free of LMDB's per-thread reader slots with MDB_NOTLS).
    private var reader: OpaquePointer?

    /// Opens (creating when absent) the store in `directory`; `readOnly` for looking at a store another process may
    /// be using (LMDB lets readers in beside its writer).
    public init(directory: String, readOnly: Bool = false, mapSize: Int = 1 << 40) throws(LocalStoreError) {
        path = directory
        if !readOnly {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw LocalStoreError("create the directory", path: directory, reason: "\(error.localizedDescription)")
            }
        }
        var env: OpaquePointer?
        try LMDB.check(mdb_env_create(&env), "create an environment", path: directory)
        guard let env else { throw LocalStoreError("create an environment", path: directory, reason: "no handle") }
        do {
            try LMDB.check(mdb_env_set_mapsize(env, mapSize), "set the map size", path: directory)
            let flags = UInt32(MDB_NOTLS | MDB_NOSYNC | MDB_NOMETASYNC | MDB_NORDAHEAD | (readOnly ? MDB_RDONLY : 0))
            try LMDB.check(mdb_env_open(env, directory, flags, 0o644), "open", path: directory)
            var txn: OpaquePointer?
            try LMDB.check(mdb_txn_begin(env, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn), "begin a transaction", path: directory)
            var dbi: MDB_dbi = 0
            let opened = mdb_dbi_open(txn, nil, 0, &dbi)
            if opened != MDB_SUCCESS { mdb_txn_abort(txn) }
            try LMDB.check(opened, "open the database", path: directory)
            try LMDB.check(mdb_txn_commit(txn), "commit the database's opening", path: directory)
            self.env = env
            self.dbi = dbi
        } catch {
            mdb_env_close(env)
            throw error
        }
    }

    deinit { close() }

    public func close() {
        guard !closed else { return }
        closed = true
        if let reader { mdb_txn_abort(reader) }
        reader = nil
        mdb_env_close(env)
    }
    private var closed = false

    public func get(_ key: [UInt8]) throws(LocalStoreError) -> [UInt8]? {
        let txn = try readTransaction()
        var key = key
        let (code, value) = key.withUnsafeMutableBytes { keyBytes -> (Int32, [UInt8]?) in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: keyBytes.baseAddress)
            var v = MDB_val()
            let code = mdb_get(txn, dbi, &k, &v)
            return (code, code == MDB_SUCCESS ? Self.bytes(v) : nil)
        }
        if code == MDB_NOTFOUND { return nil }
        try LMDB.check(code, "read a key", path: path)
        return value
    }

    public func write(_ writes: [(key: [UInt8], value: [UInt8]?)]) throws(LocalStoreError) {
        guard !writes.isEmpty else { return }
        var txn: OpaquePointer?
        try LMDB.check(mdb_txn_begin(env, nil, 0, &txn), "begin a write", path: path)
        do {
            for (key, value) in writes {
                var key = key
                var value = value
                let code = key.withUnsafeMutableBytes { keyBytes -> Int32 in
                    var k = MDB_val(mv_size: keyBytes.count, mv_data: keyBytes.baseAddress)
                    guard value != nil else { return mdb_del(txn, dbi, &k, nil) }
                    return value!.withUnsafeMutableBytes { valueBytes in
                        var v = MDB_val(mv_size: valueBytes.count, mv_data: valueBytes.baseAddress)
                        return mdb_put(txn, dbi, &k, &v, 0)
                    }
                }
                if code == MDB_NOTFOUND { continue }  // deleting what is not there
                try LMDB.check(code, value == nil ? "delete a key" : "write a key", path: path)
            }
            try LMDB.check(mdb_txn_commit(txn), "commit a write", path: path)
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        try renewReader()
    }

    public func scan(from start: [UInt8], _ visit: (_ key: [UInt8], _ value: [UInt8]) -> Bool) throws(LocalStoreError) {
        let txn = try readTransaction()
        var cursor: OpaquePointer?
        try LMDB.check(mdb_cursor_open(txn, dbi, &cursor), "open a cursor", path: path)
        defer { mdb_cursor_close(cursor) }
        var start = start
        var k = MDB_val()
        var v = MDB_val()
        var code = start.withUnsafeMutableBytes { bytes -> Int32 in
            k = MDB_val(mv_size: bytes.count, mv_data: bytes.baseAddress)
            return bytes.isEmpty ? mdb_cursor_get(cursor, &k, &v, MDB_FIRST) : mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE)
        }
        while code == MDB_SUCCESS {
            guard visit(Self.bytes(k), Self.bytes(v)) else { return }
            code = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)
        }
        if code != MDB_NOTFOUND { try LMDB.check(code, "scan", path: path) }
    }

    public func sync() throws(LocalStoreError) {
        try LMDB.check(mdb_env_sync(env, 1), "sync to disk", path: path)
    }

    public var entryCount: Int {
        guard let txn = try? readTransaction() else { return 0 }
        var stat = MDB_stat()
        guard mdb_stat(txn, dbi, &stat) == MDB_SUCCESS else { return 0 }
        return stat.ms_entries
    }

    public var bytesOnDisk: Int64 {
        let file = (path as NSString).appendingPathComponent("data.mdb")
        var info = stat()
        guard lstat(file, &info) == 0 else { return 0 }
        return Int64(info.st_blocks) * 512  // allocated, not the apparent size
    }

    public var maxKeySize: Int { Int(mdb_env_get_maxkeysize(env)) }

    private func readTransaction() throws(LocalStoreError) -> OpaquePointer {
        if let reader { return reader }
        var txn: OpaquePointer?
        try LMDB.check(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn), "begin a read", path: path)
        reader = txn
        return txn!
    }

    private func renewReader() throws(LocalStoreError) {
        guard let reader else { return }
        mdb_txn_reset(reader)
        try LMDB.check(mdb_txn_renew(reader), "renew the reader", path: path)
    }

    private static func bytes(_ value: MDB_val) -> [UInt8] {
        guard let data = value.mv_data, value.mv_size > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: value.mv_size))
    }
}
