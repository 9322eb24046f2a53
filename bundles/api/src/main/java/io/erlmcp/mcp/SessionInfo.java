// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.time.Instant;

/**
 * A snapshot of one session, for the shell and monitoring.
 *
 * @param id              session id
 * @param transport       transport name ({@code http}, {@code stdio}, ...)
 * @param remote          peer address, or {@code null}
 * @param protocolVersion negotiated version, or {@code null} before {@code initialize}
 * @param client          the client's {@code clientInfo}, or {@code null}
 * @param created         when the session was opened
 * @param lastActive      when it last received a message
 * @param inFlight        client requests running now
 * @param subscriptions   resource subscriptions
 * @param requests        client requests handled in all
 */
public record SessionInfo(String id, String transport, String remote, String protocolVersion, Implementation client,
        Instant created, Instant lastActive, int inFlight, int subscriptions, long requests) {
}
