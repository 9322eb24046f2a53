// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.drain;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The gate every request to reloadable code passes through. It counts calls in flight and, while a drain is
 * active, holds new calls back (they wait, bounded; they do not fail) until the drain ends.
 *
 * <h2>For the MCP engine (the caller on the hot path)</h2>
 * Around every {@code tools/call}, {@code resources/read} and {@code prompts/get}, the engine enters the gate
 * with the <em>key</em> of the handler it is about to call: the Bundle-SymbolicName of the bundle that
 * registered the handler service ({@code reference.getBundle().getSymbolicName()}, recorded when the handler
 * is bound), or {@link #UNKNOWN} when no handler of that name is registered right now (during a swap the old
 * service is gone and the new one not yet there; every reload drains {@link #UNKNOWN} too, so such a call
 * waits for the swap instead of failing). It looks the handler up again <em>after</em> it holds the permit,
 * so that a call held back during a reload runs against the new revision:
 * <pre>{@code
 * Entry entry = catalog.lookup(name);
 * try (RequestGate.Permit permit = gate.enter(entry != null ? entry.bundleSymbolicName() : RequestGate.UNKNOWN)) {
 *     entry = catalog.lookup(name);                  // after enter: sees the reloaded service
 *     if (entry == null) throw unknownTool(name);    // really unknown: answer the protocol error
 *     return entry.handler().call(arguments);
 * }
 * }</pre>
 * or, without blocking a thread:
 * <pre>{@code
 * gate.admit(key).thenCompose(permit -> lookupAndCall(name, arguments).whenComplete((r, e) -> permit.close()));
 * }</pre>
 * When no drain is active, {@link #enter} and {@link #admit} take no lock and do not block: they increment a
 * per-key counter, read one volatile field and return. {@link Permit#close()} decrements the counter; it must be
 * called exactly once, on any thread, whatever the outcome of the call (later calls are ignored).
 *
 * <h2>For operators and the reload machinery</h2>
 * {@link #start(Duration, Collection)} begins a drain: new calls on the drained keys wait, and the method
 * returns when the calls already in flight on those keys have finished or the timeout has passed.
 * {@link #stop()} ends it and lets the held calls through. A drain that nobody stops ends by itself after the
 * gate's maximum hold time ({@link DrainStatus#maxHoldMillis()}), so a forgotten drain never blocks clients
 * forever; a held call waits at most that long.
 *
 * <p>Implemented by the hotdeploy bundle; thread-safe.
 */
@ProviderType
public interface RequestGate {

    /**
     * The key for a call whose handler is not registered when the call arrives. Every reload's drain covers it,
     * so a call for a tool that is being swapped waits for the new revision.
     */
    String UNKNOWN = "?";

    /**
     * Enters the gate for one call; blocks while a drain covers {@code key} (at most the maximum hold time).
     *
     * @param key the Bundle-SymbolicName of the bundle that provides the handler, never {@code null}
     * @return the permit; close it when the call is complete
     * @throws InterruptedException when the waiting thread is interrupted (no permit is held then)
     */
    Permit enter(String key) throws InterruptedException;

    /**
     * Enters the gate without blocking the caller's thread.
     *
     * @param key the Bundle-SymbolicName of the bundle that provides the handler, never {@code null}
     * @return a stage completed with the permit: already complete when no drain covers {@code key}, else
     *         completed when the drain ends (or the maximum hold time has passed), on a thread of the common
     *         {@code ForkJoinPool}; use the {@code *Async} stage methods with your own executor for blocking work.
     *         Never completes exceptionally.
     */
    CompletionStage<Permit> admit(String key);

    /**
     * Starts a drain of every key (a node-wide drain).
     *
     * @see #start(Duration, Collection)
     */
    DrainStatus start(Duration timeout) throws InterruptedException;

    /**
     * Starts draining {@code keys} (empty: every key): new calls wait from now on; returns when the calls in
     * flight on those keys have finished or {@code timeout} has passed, whichever is first. A drain already
     * active is widened to cover the union of both key sets.
     *
     * @param timeout how long to wait for calls in flight; {@link Duration#ZERO} returns at once
     * @param keys    the keys to drain (Bundle-SymbolicNames); empty for all
     * @return the status when the method returns; {@link DrainStatus#inFlight()} is the number of calls still
     *         running when the timeout passed (0 when drained)
     * @throws InterruptedException when the waiting thread is interrupted (the drain stays active)
     */
    DrainStatus start(Duration timeout, Collection<String> keys) throws InterruptedException;

    /** Ends the drain, if any, and lets the held calls through. @return the status after stopping */
    DrainStatus stop();

    /** @return the current state: whether a drain is active, calls in flight and held */
    DrainStatus status();

    /** One admitted call. Closing it marks the call complete; closing twice has no further effect. */
    interface Permit extends AutoCloseable {
        /** Marks the call complete. Does not throw. */
        @Override
        void close();
    }
}
