// SPDX-License-Identifier: Apache-2.0
/**
 * The seam between transports (stdio, TCP, Streamable HTTP, legacy SSE, WebSocket) and the MCP engine in core.
 * A transport turns bytes into {@link io.erlmcp.transport.Inbound} messages and hands them to a
 * {@link io.erlmcp.transport.ServerSession}; it knows nothing of tools, resources or prompts.
 */
@Export
@Version("1.2.0")
package io.erlmcp.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
