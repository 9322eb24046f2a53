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
}
