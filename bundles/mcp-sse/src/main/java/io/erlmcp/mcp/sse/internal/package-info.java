// SPDX-License-Identifier: Apache-2.0
/** The legacy MCP HTTP+SSE transport (spec 2024-11-05): {@code GET /sse} and {@code POST /messages}. */
package io.erlmcp.mcp.sse.internal;
