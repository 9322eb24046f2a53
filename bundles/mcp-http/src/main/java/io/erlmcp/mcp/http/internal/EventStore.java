// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;

import java.util.Optional;

/**
 * Keeps the events sent on one session's SSE streams so that a client that lost a stream can resume it with
 * {@code Last-Event-ID} (spec 2025-11-25, "Resumability and Redelivery"; shaped after the TypeScript SDK's
 * {@code EventStore}). Bounded; an implementation may forget old events. Thread-safe.
 */
interface EventStore {

    /**
     * Stores one event of a stream.
     *
     * @param message the JSON-RPC message; empty for a priming event, which is never replayed
     * @return the event id, unique within this store, to send as the SSE {@code id:}
     */
    String storeEvent(String streamId, byte[] message);

    /**
     * Passes the stored events of {@code lastEventId}'s stream that came after it, oldest first.
     *
     * @return the stream id, or empty when {@code lastEventId} is not an id this store could have issued
     */
    Optional<String> replayEventsAfter(String lastEventId, Sink sink);

    /** Receives replayed events. */
    @FunctionalInterface
    interface Sink {
        void event(String eventId, byte[] message);
    }
}
