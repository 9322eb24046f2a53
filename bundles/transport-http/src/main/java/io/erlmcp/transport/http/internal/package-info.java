// SPDX-License-Identifier: Apache-2.0
/** The Streamable HTTP transport: a Jetty 12 core handler for POST, GET (SSE) and DELETE on the MCP endpoint. */
package io.erlmcp.transport.http.internal;
