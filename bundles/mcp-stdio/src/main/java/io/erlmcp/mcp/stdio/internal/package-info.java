// SPDX-License-Identifier: Apache-2.0
/** The MCP stdio transport: one session on the process's stdin and stdout. */
package io.erlmcp.mcp.stdio.internal;
