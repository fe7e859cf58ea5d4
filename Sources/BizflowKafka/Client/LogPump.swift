import CRdKafka
import Dispatch
import Foundation
import Logging

/// A dedicated thread that forwards a client's librdkafka log queue to swift-log.
final class LogPump: @unchecked Sendable {
    private let queue: OpaquePointer
    private let logger: Logger
    private let stopFlag = LockedValue(false)
    private let done = DispatchSemaphore(value: 0)

    init(queue: OpaquePointer, logger: Logger) {
        self.queue = queue
        self.logger = logger
    }

    func start(name: String) {
        let thread = Thread { [self] in
            while !stopFlag.value {
                if let event = rd_kafka_queue_poll(queue, 200) { ClientHandle.handle(event, logger: logger) }
            }
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Stops the thread and waits for it, so the queue can be destroyed safely.
    func stop() {
        stopFlag.value = true
        done.wait()
    }
}
