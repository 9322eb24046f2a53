// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.reload;

import java.util.List;

/**
 * What {@code reload:status} shows.
 *
 * @param phase    the current phase
 * @param prepared the prepared set (empty unless {@link Phase#PREPARED})
 * @param last     the last finish or rollback, or {@code null}
 * @param stored   the previous revisions kept on disk, newest first
 * @param events   recent hot-deploy and reload events, newest last
 */
public record ReloadStatus(Phase phase, List<PreparedBundle> prepared, ReloadReport last,
        List<StoredRevision> stored, List<String> events) {

    public ReloadStatus {
        prepared = List.copyOf(prepared);
        stored = List.copyOf(stored);
        events = List.copyOf(events);
    }

    /** The reload machinery's phase. */
    public enum Phase {
        /** Nothing prepared. */
        IDLE,
        /** A checked set waits for {@link ReloadService#finish}. */
        PREPARED,
        /** A finish or rollback is running. */
        SWAPPING
    }
}
