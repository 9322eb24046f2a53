// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One MCP session on the server side. Thread-safe; a transport may call {@link #receive} concurrently for
 * independent frames (Streamable HTTP does).
 */
@ProviderType
public interface ServerSession {

    /** @return the session id: at least 128 bits from a secure random source, visible ASCII only */
    String id();

    /** @return the protocol version agreed in {@code initialize}, or {@code null} before it */
    String protocolVersion();

    /** @return whether {@code initialize} has been answered (the session may still await {@code initialized}) */
    boolean initialized();

    /**
     * Handles one parsed frame. Every message the session emits because of this frame (the responses to its
     * requests, and progress, log messages and server-to-client requests made while they run) goes to
     * {@code related}, in order. The stage completes once every response owed for the frame has been passed to
     * {@code related} (at once for a frame of only notifications or responses).
     *
     * <p>A frame whose parse failed ({@link Inbound#errorResponse()} present) is answered on {@code related}
     * with that error; the session stays usable.
     */
    CompletionStage<Void> receive(Inbound frame, MessageChannel related);

    /**
     * Sets the channel for messages related to no request (see {@link McpServerEndpoint#open}).
     *
     * @return the channel it replaces, or {@code null}
     */
    MessageChannel attachStandalone(MessageChannel standalone);

    /** Detaches {@code standalone} if it is still the current one (a GET stream that ended). */
    void detachStandalone(MessageChannel standalone);

    /**
     * Ends the session: cancels its running requests, drops its subscriptions and forgets it, so that
     * {@link McpServerEndpoint#find} no longer returns it. Idempotent.
     */
    void close();

    /** @return whether {@link #close()} has been called or the session expired */
    boolean isClosed();
}
