import Foundation

/// An exclusive lock on a state directory (flock on its `LOCK` file), so two processes never share one store; the
/// kernel drops it when the process dies, so a crash leaves no stale lock.
public final class StoreDirectoryLock: @unchecked Sendable {
    private let descriptor: Int32

    /// Takes the lock, or returns nil when another process holds it.
    public init?(directory: String) throws(LocalStoreError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LocalStoreError("create the directory", path: directory, reason: "\(error.localizedDescription)")
        }
        let file = (directory as NSString).appendingPathComponent("LOCK")
        let fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LocalStoreError("open the lock file", path: directory, reason: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Foundation.close(fd)
            return nil
        }
        descriptor = fd
    }

    deinit { Foundation.close(descriptor) }  // closing releases the lock
}
