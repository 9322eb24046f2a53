// SPDX-License-Identifier: Apache-2.0
/** The running node: its identity, version and uptime, as one service. */
@Export
@Version("1.0.0")
package io.erlmcp.node;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
