// SPDX-License-Identifier: Apache-2.0
/**
 * A Java MCP client: {@link io.erlmcp.client.McpClient} over a {@link io.erlmcp.client.ClientTransport}
 * (Streamable HTTP, stdio, TCP with optional TLS 1.3, WebSocket, or the legacy HTTP+SSE transport), with optional
 * reconnect for the connection-per-session transports. New and still changing, hence 0.x.
 */
@Export
@Version("0.1.0")
package io.erlmcp.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
