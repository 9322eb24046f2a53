// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client;

/**
 * Hears about the client's connection: when it is lost and, with {@link McpClient.Builder#reconnect reconnect}
 * enabled, each attempt to reopen it and how that ended. Called on a client thread; it should return quickly.
 */
@FunctionalInterface
public interface ConnectionListener {

    /** What happened to the connection. */
    enum State {
        /** The transport ended unexpectedly; requests in flight failed with "connection lost". */
        LOST,
        /** An attempt to reopen is scheduled; {@code detail} says after how long. */
        RECONNECTING,
        /** A new connection is open and initialized again: a new session (server state is not carried over). */
        RECONNECTED,
        /** Reconnecting gave up (attempts used up, or the client was closed); the client stays disconnected. */
        FAILED
    }

    /**
     * @param state   what happened
     * @param attempt the reconnect attempt it is about (1 for the first), 0 for {@link State#LOST}
     * @param detail  a reason or a delay, for people
     */
    void onConnectionState(State state, int attempt, String detail);
}
