// SPDX-License-Identifier: Apache-2.0
/**
 * A Java MCP client: {@link io.erlmcp.client.McpClient} over a {@link io.erlmcp.client.ClientTransport}
 * (Streamable HTTP or stdio). New and still changing, hence 0.x.
 */
@Export
@Version("0.1.0")
package io.erlmcp.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
