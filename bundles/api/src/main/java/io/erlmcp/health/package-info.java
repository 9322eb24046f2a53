// SPDX-License-Identifier: Apache-2.0
/** Health checks: any bundle contributes one by registering a {@link io.erlmcp.health.HealthCheck} service. */
@Export
@Version("1.1.0")
package io.erlmcp.health;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
