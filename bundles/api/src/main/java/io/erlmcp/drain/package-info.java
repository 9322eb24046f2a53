// SPDX-License-Identifier: Apache-2.0
/** Graceful drain: a gate that the MCP engine passes every request through, so a reload can hold new requests back. */
@Export
@Version("1.0.0")
package io.erlmcp.drain;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
