// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.reload;

import java.time.Instant;

/**
 * A previous revision kept on disk for rollback ({@code data/reload/<bsn>/<version>-<timestamp>.jar}).
 *
 * @param symbolicName the Bundle-SymbolicName
 * @param version      its Bundle-Version
 * @param file         the jar's path
 * @param savedAt      when it was stored (just before it was replaced)
 */
public record StoredRevision(String symbolicName, String version, String file, Instant savedAt) {
}
