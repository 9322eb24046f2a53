// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.session;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What an engine needs to resume serving a session: its negotiated state, and nothing live (no channels, no
 * running calls, no pending server-to-client requests, no tasks).
 *
 * @param id                     the session id
 * @param transport              the transport's name ({@code http}, {@code stdio}, ...)
 * @param protocolVersion        the protocol version agreed in {@code initialize}, or {@code null} before it
 * @param clientInfoJson         the client's {@code clientInfo} object as JSON text, or {@code null}
 * @param clientCapabilitiesJson the client's {@code capabilities} object as JSON text, or {@code null}
 * @param logLevel               the level set with {@code logging/setLevel} as its wire name ({@code info}, ...), or
 *                               {@code null} when none was set
 * @param subscriptions          the resource URIs the session is subscribed to
 * @param initialized            whether {@code initialize} has been answered
 * @param clientInitialized      whether the client sent {@code notifications/initialized}
 * @param created                when the session was opened
 * @param lastActive             when the session last had traffic (kept current to within a few seconds)
 */
public record SessionRecord(String id, String transport, String protocolVersion, String clientInfoJson,
        String clientCapabilitiesJson, String logLevel, Set<String> subscriptions, boolean initialized,
        boolean clientInitialized, Instant created, Instant lastActive) {

    public SessionRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(lastActive, "lastActive");
        subscriptions = subscriptions == null ? Set.of() : Set.copyOf(subscriptions);
    }

    /** @return this record with another last-active time */
    public SessionRecord withLastActive(Instant at) {
        return new SessionRecord(id, transport, protocolVersion, clientInfoJson, clientCapabilitiesJson, logLevel,
                subscriptions, initialized, clientInitialized, created, at);
    }
}
