import CLMDB

/// The one checked-call helper for LMDB: every call's return code goes through here.
enum LMDB {
    static func check(_ code: Int32, _ operation: @autoclosure () -> String, path: String) throws(LocalStoreError) {
        guard code != MDB_SUCCESS else { return }
        let reason = String(cString: mdb_strerror(code))
        let corrupt = [MDB_CORRUPTED, MDB_INVALID, MDB_VERSION_MISMATCH, MDB_PANIC].contains(code)
        throw LocalStoreError(operation(), path: path, reason: reason, isCorrupt: corrupt)
    }
}
