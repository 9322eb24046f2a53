// SPDX-License-Identifier: Apache-2.0
/** The stdio transport: newline-delimited JSON-RPC over the process's stdin and stdout, one session. */
package io.erlmcp.transport.stdio.internal;
