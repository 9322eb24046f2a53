// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.reload;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of {@link ReloadService#finish} or {@link ReloadService#rollback}.
 *
 * @param outcome     what happened
 * @param bundles     {@code bsn: from -> to} for each bundle, as it stands now
 * @param messages    what was done and, on failure, why, in order
 * @param drainMillis time spent waiting for calls in flight
 * @param swapMillis  time from the first stop to the end of verification (calls are held during it)
 * @param finishedAt  when it ended
 */
public record ReloadReport(Outcome outcome, List<String> bundles, List<String> messages, long drainMillis,
        long swapMillis, Instant finishedAt) {

    public ReloadReport {
        bundles = List.copyOf(bundles);
        messages = List.copyOf(messages);
    }

    /** How a reload ended. */
    public enum Outcome {
        /** The new revisions are live and verified. */
        SWAPPED,
        /** The new revisions failed verification; the previous ones are live again. */
        ROLLED_BACK,
        /** The swap failed and so did the rollback: an operator must act (see the messages). */
        FAILED
    }
}
