// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.events;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Keeps the events sent on the SSE streams of MCP sessions, so that a client that lost a stream can resume it with
 * {@code Last-Event-ID}. Registered as an OSGi service; a transport uses the highest-ranked one
 * ({@code service.ranking}), so an operator can deploy another implementation (bounded differently, shared
 * between nodes, ...). Thread-safe.
 *
 * <p>Contract:
 * <ul>
 * <li>Event ids are issued by the store and are unique within a session; an id names its stream
 *     ({@link #streamOf}).</li>
 * <li>A priming event (empty message) gets an id but is never replayed.</li>
 * <li>A replay passes only events of the stream the given id belongs to, only those stored after it, oldest
 *     first.</li>
 * <li>A store is bounded: it may forget old events at any time. A replay then passes what is left.</li>
 * <li>Nothing is kept for a session before its first event, and nothing after {@link #forgetSession}.</li>
 * </ul>
 */
@ProviderType
public interface EventStore {

    /**
     * Stores one event of a session's stream.
     *
     * @param sessionId the MCP session id
     * @param streamId  the transport's name of the stream, unique within the session for the session's life (also
     *                  across transport instances); letters, digits and {@code .} only
     * @param message   the JSON-RPC message, UTF-8; empty for a priming event. The store may keep this array:
     *                  the caller must not change it afterwards
     * @return the event id, to send as the SSE {@code id:} field
     * @throws IllegalArgumentException when {@code streamId} has characters other than letters, digits and
     *                                  {@code .}
     */
    String storeEvent(String sessionId, String streamId, byte[] message);

    /**
     * @return the stream that {@code eventId} belongs to, or empty when it is not an id this store could have
     *         issued for this session
     */
    Optional<String> streamOf(String sessionId, String eventId);

    /**
     * Passes the stored events of {@code lastEventId}'s stream that came after it, oldest first, to {@code sink}
     * (on the calling thread, before this method returns). Priming events are not passed.
     *
     * @return the stream id, or empty when {@code lastEventId} is not an id this store could have issued for
     *         this session (then nothing was passed)
     */
    Optional<String> replayEventsAfter(String sessionId, String lastEventId, Sink sink);

    /** Drops every event of this session: it has ended. Idempotent. */
    void forgetSession(String sessionId);

    /** Receives replayed events. */
    @FunctionalInterface
    interface Sink {
        /**
         * @param eventId the event's id
         * @param message the message as stored; do not change it
         */
        void event(String eventId, byte[] message);
    }
}
