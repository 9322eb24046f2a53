// SPDX-License-Identifier: Apache-2.0
/** Hot deploy and two-phase reload of bundles: prepare, drain, finish, verify, roll back. */
@Export
@Version("1.0.0")
package io.erlmcp.reload;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
