import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Caps the connections open at once: a connection over the cap has its first request answered with 503
/// and `Retry-After`, and is closed then, or after a second if it sends none, so a flood of sockets cannot
/// exhaust the process's file handles and starve `/healthz` and the clients already connected.
final class ConnectionLimiter: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The count shared by every connection of one server.
    final class Count: Sendable {
        let open = Atomic<Int>(0)
        /// Most connections open at once.
        let limit: Int

        init(limit: Int) { self.limit = limit }
    }

    private let count: Count
    private var counted = false
    private var refused = false

    init(count: Count) { self.count = count }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        let open = count.open.wrappingAdd(1, ordering: .relaxed).newValue
        guard open > count.limit else { return }
        refused = true
        let channel = context.channel
        context.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { release() }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard refused else { return context.fireChannelRead(data) }
        guard case .head = unwrapInboundIn(data) else { return }
        let head = HTTPResponse(
            status: .serviceUnavailable,
            headerFields: [.retryAfter: "1", .connection: "close", .contentLength: "0"]
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    private func release() {
        guard counted else { return }
        counted = false
        count.open.wrappingSubtract(1, ordering: .relaxed)
    }
}
