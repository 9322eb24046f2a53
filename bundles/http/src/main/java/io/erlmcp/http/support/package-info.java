// SPDX-License-Identifier: Apache-2.0
/**
 * Pieces every MCP transport on the node's Jetty server needs: the Host/Origin allow-list that guards against
 * DNS rebinding, a non-blocking request body reader with a size limit, JSON-RPC error and complete-body answers,
 * and a non-blocking, bounded {@code text/event-stream} writer.
 */
@Export
@Version("1.0.0")
package io.erlmcp.http.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
