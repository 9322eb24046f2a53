// SPDX-License-Identifier: Apache-2.0
/**
 * The event store of resumable SSE streams (MCP 2025-11-25, Streamable HTTP, "Resumability and Redelivery"). A
 * transport stores every event it sends on a session's SSE streams in the highest-ranked
 * {@link io.erlmcp.transport.events.EventStore} service, so that a client that lost a stream can resume it with
 * {@code Last-Event-ID}. The store is a service of its own, registered by a bundle that is not reloaded with the
 * transport, so that resumption also survives a reload of the transport bundle.
 *
 * <p>A package of its own, not part of {@code io.erlmcp.transport}: only the Streamable HTTP transport and the
 * store implementations use it, so it evolves and is versioned without touching every transport's imports.
 */
@Export
@Version("1.0.0")
package io.erlmcp.transport.events;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
