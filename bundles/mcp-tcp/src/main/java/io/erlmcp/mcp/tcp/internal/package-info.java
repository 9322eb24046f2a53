// SPDX-License-Identifier: Apache-2.0
/** MCP over TCP: newline-delimited JSON-RPC, one session per connection. */
package io.erlmcp.mcp.tcp.internal;
