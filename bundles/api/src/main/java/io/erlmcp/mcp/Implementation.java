// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

/** A client's or server's {@code clientInfo} / {@code serverInfo}. */
public record Implementation(String name, String version, String title) {
}
