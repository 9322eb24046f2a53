// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.session;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Holds the resumable state of MCP sessions for as long as they live, independently of the engine instance that
 * serves them. Registered as an OSGi service by a bundle that is not reloaded with the engine. Thread-safe.
 *
 * <p>The engine writes a record when a session's negotiated state changes (initialize, initialized, logging level,
 * subscriptions), refreshes its last-active time at most every few seconds, and removes it when the session ends
 * (closed, deleted by the client, terminated, expired). It never writes per request. A store may be bounded: it
 * may then drop the least recently active records, which ends those sessions for a later engine instance.
 */
@ProviderType
public interface SessionStore {

    /** Stores {@code record}, replacing any record with the same {@link SessionRecord#id()}. */
    void put(SessionRecord record);

    /** @return the record stored under this id, or empty */
    Optional<SessionRecord> get(String sessionId);

    /** Removes the record stored under this id. @return whether there was one */
    boolean remove(String sessionId);

    /** @return every stored record, in no particular order */
    List<SessionRecord> list();
}
