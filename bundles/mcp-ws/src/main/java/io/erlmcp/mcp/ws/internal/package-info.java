// SPDX-License-Identifier: Apache-2.0
/** MCP over WebSocket: one session per connection at /mcp/ws. */
package io.erlmcp.mcp.ws.internal;
