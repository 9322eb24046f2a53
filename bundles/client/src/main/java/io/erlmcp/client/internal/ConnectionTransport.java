// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.io.IOException;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.client.ClientTransport;

/**
 * What the connection-per-session transports (TCP, WebSocket, HTTP+SSE) share: at most one current connection,
 * swapped by {@link #start(Consumer, Consumer)} (which closes the old one first and opens the new one without holding
 * the lock, so a send meanwhile fails at once with "not connected"), a closed flag that {@link #close} sets for good,
 * and reconnectability. The lock is the transport itself.
 *
 * @param <C> one connection of the concrete transport
 */
abstract class ConnectionTransport<C extends ConnectionTransport.Link> implements ClientTransport {

    /** One connection of a transport: closing it is all this class needs of it. */
    interface Link {
        /** Closes the connection, without telling its {@code ended} callback. */
        void close();
    }

    private C current; // guarded by this
    private boolean closed; // guarded by this

    /**
     * Opens one connection that gives the server's messages to {@code inbound} and tells {@code ended} once, with a
     * reason, when the server side ends it. Called without the lock.
     */
    protected abstract C open(Consumer<JsonNode> inbound, Consumer<String> ended) throws IOException;

    /** The peer named in "not connected to ..." (host:port or URI). */
    protected abstract String peer();

    /** Called, without the lock, once {@code connection} is the current one (say, to start reading from it). */
    protected void opened(C connection) {
    }

    @Override
    public final void start(Consumer<JsonNode> inbound) throws IOException {
        start(inbound, reason -> {
        });
    }

    @Override
    public final void start(Consumer<JsonNode> inbound, Consumer<String> ended) throws IOException {
        C old;
        synchronized (this) {
            if (closed) {
                throw new IOException("transport closed");
            }
            old = current;
            current = null;
        }
        if (old != null) {
            old.close();
        }
        // Open without the lock: a send meanwhile fails at once ("not connected") instead of waiting for it.
        C c = open(inbound, ended);
        synchronized (this) {
            if (closed) {
                c.close();
                throw new IOException("transport closed");
            }
            current = c;
        }
        opened(c);
    }

    @Override
    public final boolean reconnectable() {
        return true;
    }

    /**
     * The current connection, for a send: fails with "transport closed" after {@link #close}, and with "not connected
     * to {@link #peer()}" when there is none.
     */
    protected final C connection() throws IOException {
        C c;
        synchronized (this) {
            if (closed) {
                throw new IOException("transport closed");
            }
            c = current;
        }
        if (c == null) {
            throw new IOException("not connected to " + peer());
        }
        return c;
    }

    /** The current connection, or null. */
    protected final synchronized C currentOrNull() {
        return current;
    }

    @Override
    public final void close() {
        C c;
        synchronized (this) {
            closed = true;
            c = current;
            current = null;
        }
        if (c != null) {
            c.close();
        }
    }
}
