// SPDX-License-Identifier: Apache-2.0
/** Service properties for mounting Jetty handlers on the node's HTTP server (the whiteboard). */
@Export
@Version("1.0.0")
package io.erlmcp.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
