// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.erlmcp.transport.events.EventStore;

/**
 * What every session of one transport instance shares, so that a session holds one reference to it instead of
 * one each.
 *
 * @param settings  the transport's configuration
 * @param events    the event store in use now (the highest-ranked service; it may change while sessions live)
 * @param executor  runs work that must not happen on the caller's thread
 */
record Context(Settings settings, Supplier<EventStore> events, Executor executor) {
}
