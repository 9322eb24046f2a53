// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

/**
 * Session counters since the engine started.
 *
 * @param active     open sessions
 * @param opened     sessions opened
 * @param closed     sessions closed (terminated, ended by the transport or expired)
 * @param expired    of those, sessions that expired idle
 * @param inFlight   client requests running now, over all sessions
 * @param requests   client requests handled
 */
public record SessionStats(int active, long opened, long closed, long expired, int inFlight, long requests) {
}
