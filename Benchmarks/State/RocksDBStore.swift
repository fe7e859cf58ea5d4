import BizflowLocalStore
import CRocksDB
import Foundation

/// An `OrderedKeyValueStore` over RocksDB's C API, for measuring against LMDB on the tiers' write pattern (the lab
/// only: the product uses LMDB; see the README's state section). Block cache bounded by `cacheBytes`; the WAL is
/// on, unsynced, like the LMDB store's writes.
public final class RocksDBStore: OrderedKeyValueStore, @unchecked Sendable {
    public let path: String
    private let db: OpaquePointer
    private let options: OpaquePointer
    private let tableOptions: OpaquePointer
    private let cache: OpaquePointer
    private let readOptions: OpaquePointer
    private let writeOptions: OpaquePointer
    private var closed = false

    public init(directory: String, cacheBytes: Int = 64 << 20) throws(LocalStoreError) {
        path = directory
        options = rocksdb_options_create()
        rocksdb_options_set_create_if_missing(options, 1)
        cache = rocksdb_cache_create_lru(cacheBytes)
        tableOptions = rocksdb_block_based_options_create()
        rocksdb_block_based_options_set_block_cache(tableOptions, cache)
        rocksdb_options_set_block_based_table_factory(options, tableOptions)
        readOptions = rocksdb_readoptions_create()
        writeOptions = rocksdb_writeoptions_create()
        var error: UnsafeMutablePointer<CChar>?
        let opened = rocksdb_open(options, directory, &error)
        try Self.check(error, "open", directory)
        db = opened!
    }

    deinit { close() }

    public func close() {
        guard !closed else { return }
        closed = true
        rocksdb_close(db)
        rocksdb_readoptions_destroy(readOptions)
        rocksdb_writeoptions_destroy(writeOptions)
        rocksdb_options_destroy(options)
        rocksdb_block_based_options_destroy(tableOptions)
        rocksdb_cache_destroy(cache)
    }

    public func get(_ key: [UInt8]) throws(LocalStoreError) -> [UInt8]? {
        var length = 0
        var error: UnsafeMutablePointer<CChar>?
        let value = key.withUnsafeBufferPointer { k in
            k.withMemoryRebound(to: CChar.self) { rocksdb_get(db, readOptions, $0.baseAddress, $0.count, &length, &error) }
        }
        try Self.check(error, "read a key", path)
        guard let value else { return nil }
        defer { rocksdb_free(value) }
        return Array(UnsafeRawBufferPointer(start: value, count: length))
    }

    public func write(_ writes: [(key: [UInt8], value: [UInt8]?)]) throws(LocalStoreError) {
        let batch = rocksdb_writebatch_create()
        defer { rocksdb_writebatch_destroy(batch) }
        for (key, value) in writes {
            key.withUnsafeBufferPointer { k in
                k.withMemoryRebound(to: CChar.self) { k in
                    if let value {
                        value.withUnsafeBufferPointer { v in
                            v.withMemoryRebound(to: CChar.self) { rocksdb_writebatch_put(batch, k.baseAddress, k.count, $0.baseAddress, $0.count) }
                        }
                    } else {
                        rocksdb_writebatch_delete(batch, k.baseAddress, k.count)
                    }
                }
            }
        }
        var error: UnsafeMutablePointer<CChar>?
        rocksdb_write(db, writeOptions, batch, &error)
        try Self.check(error, "write", path)
    }

    public func scan(from start: [UInt8], _ visit: (_ key: [UInt8], _ value: [UInt8]) -> Bool) throws(LocalStoreError) {
        let iterator = rocksdb_create_iterator(db, readOptions)
        defer { rocksdb_iter_destroy(iterator) }
        start.withUnsafeBufferPointer { s in s.withMemoryRebound(to: CChar.self) { rocksdb_iter_seek(iterator, $0.baseAddress, $0.count) } }
        while rocksdb_iter_valid(iterator) != 0 {
            var keyLength = 0
            var valueLength = 0
            let key = rocksdb_iter_key(iterator, &keyLength)
            let value = rocksdb_iter_value(iterator, &valueLength)
            let keyBytes = Array(UnsafeRawBufferPointer(start: key, count: keyLength))
            let valueBytes = Array(UnsafeRawBufferPointer(start: value, count: valueLength))
            guard visit(keyBytes, valueBytes) else { return }
            rocksdb_iter_next(iterator)
        }
    }

    public func sync() throws(LocalStoreError) {
        let flush = rocksdb_flushoptions_create()
        defer { rocksdb_flushoptions_destroy(flush) }
        var error: UnsafeMutablePointer<CChar>?
        rocksdb_flush(db, flush, &error)
        try Self.check(error, "flush", path)
    }

    public var entryCount: Int {
        guard let text = rocksdb_property_value(db, "rocksdb.estimate-num-keys") else { return 0 }
        defer { rocksdb_free(text) }
        return Int(String(cString: text)) ?? 0
    }

    public var bytesOnDisk: Int64 {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return files.reduce(Int64(0)) { total, file in
            var info = stat()
            return lstat((path as NSString).appendingPathComponent(file), &info) == 0 ? total + Int64(info.st_blocks) * 512 : total
        }
    }

    public var maxKeySize: Int { 8 << 20 }

    private static func check(_ error: UnsafeMutablePointer<CChar>?, _ operation: String, _ path: String) throws(LocalStoreError) {
        guard let error else { return }
        defer { rocksdb_free(error) }
        throw LocalStoreError(operation, path: path, reason: String(cString: error))
    }
}
