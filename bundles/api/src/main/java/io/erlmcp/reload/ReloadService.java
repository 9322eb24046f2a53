// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.reload;

import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Two-phase reload of bundles on a running node, the JVM counterpart of OTP's
 * {@code code:prepare_loading/1} and {@code code:finish_loading/1}.
 *
 * <ol>
 * <li>{@link #prepare(List)} reads each new revision and checks it beside the live one without touching live
 * traffic: it is installed as a hidden candidate that nothing may wire to, resolved against the running
 * framework, its Declarative Services descriptors parsed and their classes loaded, the packages live bundles
 * import from the old revision checked against the new exports; then the candidate is uninstalled. The report
 * says what would change, including the dependent bundles a refresh would restart. Nothing is prepared when
 * any target has a problem.</li>
 * <li>Optionally, the operator drains traffic with the {@link io.erlmcp.drain.RequestGate}
 * ({@code erlmcp_graceful_drain:start <ms>}).</li>
 * <li>{@link #finish(Duration)} swaps in one step: it drains the affected keys (unless a drain is already
 * active), stores the previous revisions on disk, stops the bundles, updates them, refreshes once, starts them,
 * waits for DS to settle and verifies (bundle ACTIVE, no component in failed activation, no component that was
 * satisfied before now unsatisfied, node health not UNHEALTHY). On failure it rolls back to the stored
 * revisions by the same swap and says so. In every case it ends the drain and lets held calls through.</li>
 * </ol>
 * {@link #rollback(List)} restores the revisions stored by the last finish on demand, also after a node
 * restart. All methods are thread-safe; a second reload waits for the first.
 */
@ProviderType
public interface ReloadService {

    /**
     * Checks new revisions and keeps them as the prepared set, replacing any earlier prepared set.
     *
     * @param targets each a path or {@code file:} URL of a bundle jar (its Bundle-SymbolicName says which bundle it
     *                replaces, or it is a new bundle), or the symbolic name or id of an installed bundle (its new
     *                revision is read again from its location)
     * @return what would change, or the problems that stopped the preparation
     * @throws IllegalArgumentException when {@code targets} is empty or a target names neither a readable file
     *                                  nor an installed bundle
     */
    PrepareReport prepare(List<String> targets);

    /**
     * Swaps in the prepared revisions, verifies them and rolls back on failure.
     *
     * @param drainTimeout how long to wait for calls in flight before the swap when no drain is active
     * @return the outcome
     * @throws IllegalStateException when nothing is prepared
     */
    ReloadReport finish(Duration drainTimeout);

    /**
     * Restores the revisions stored by the last {@link #finish} (or the given bundles' newest stored revisions),
     * by the same drain and swap; a bundle the last reload installed is uninstalled.
     *
     * @param symbolicNames the bundles to roll back; empty for every bundle of the last reload
     * @return the outcome
     * @throws IllegalStateException when no stored revision exists for a requested bundle
     */
    ReloadReport rollback(List<String> symbolicNames);

    /** Forgets the prepared set. @return the status afterwards */
    ReloadStatus cancel();

    /** @return the phase, the prepared set, the last report, stored revisions and recent hot-deploy events */
    ReloadStatus status();
}
