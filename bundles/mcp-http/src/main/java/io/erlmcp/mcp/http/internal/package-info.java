// SPDX-License-Identifier: Apache-2.0
/** The MCP Streamable HTTP transport (spec 2025-11-25, with 2025-06-18, 2025-03-26 and 2024-11-05 clients). */
package io.erlmcp.mcp.http.internal;
