// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where a session writes messages for the client; implemented by transports. A channel must accept messages
 * from any thread, keep their order, and must not block the caller on a slow client for long: it buffers (with
 * a bound) or fails the connection.
 */
@ConsumerType
public interface MessageChannel {

    /**
     * Sends one JSON-RPC message.
     *
     * @param json the message, serialized as UTF-8 JSON; the channel owns the array afterwards
     * @param kind what the message is, so a transport can choose its framing (a Streamable HTTP POST answers
     *             with plain JSON when the first thing it must send is the final response)
     */
    void send(byte[] json, MessageKind kind);

    /** @return false once the client can no longer be reached through this channel */
    boolean isOpen();

    /**
     * Asks the transport to end the current stream; the client may resume with {@code Last-Event-ID}; messages
     * sent afterwards are stored for replay. Transports without resumable streams ignore it.
     */
    default void closeStream() {
    }

    /**
     * Tells the session's standalone channel (the one given to {@link McpServerEndpoint#open}) that the server
     * ended the session: an operator terminated it or it expired. A transport that carries one session per
     * connection closes the connection (after the messages already queued); Streamable HTTP and HTTP+SSE end the
     * session's stream. Not called when the transport itself closed the session, nor when the engine hands its
     * sessions to another engine instance. The default does nothing.
     *
     * @since 1.2
     */
    default void sessionClosed() {
    }
}
