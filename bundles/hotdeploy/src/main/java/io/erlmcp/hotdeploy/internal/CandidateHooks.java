// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.hotdeploy.internal;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.Bundle;
import org.osgi.framework.hooks.bundle.CollisionHook;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Keeps a candidate revision (installed beside the live one only to be checked) invisible to live bundles.
 * The collision hook lets a candidate with the live bundle's symbolic name and version be installed (the
 * framework's default {@code bsnversion=managed} refuses it otherwise); the resolver hook hides the
 * candidates' capabilities from every bundle that is not a candidate and keeps singletons from colliding.
 * Both do nothing while no candidate exists.
 */
final class CandidateHooks implements ResolverHookFactory, CollisionHook {

    private final Set<Long> candidates = ConcurrentHashMap.newKeySet();
    private final AtomicInteger installing = new AtomicInteger();
    private final long ownBundleId;

    CandidateHooks(long ownBundleId) {
        this.ownBundleId = ownBundleId;
    }

    /** Marks the start of a candidate install by this bundle; pair with {@link #endInstall()}. */
    void beginInstall() {
        installing.incrementAndGet();
    }

    void endInstall() {
        installing.decrementAndGet();
    }

    void add(Bundle candidate) {
        candidates.add(candidate.getBundleId());
    }

    void remove(Bundle candidate) {
        candidates.remove(candidate.getBundleId());
    }

    private boolean isCandidate(BundleRevision revision) {
        return revision != null && candidates.contains(revision.getBundle().getBundleId());
    }

    @Override
    public void filterCollisions(int operationType, Bundle target, Collection<Bundle> collisionCandidates) {
        if (operationType == INSTALLING && installing.get() > 0 && target.getBundleId() == ownBundleId) {
            collisionCandidates.clear();
        }
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        if (candidates.isEmpty()) {
            return null;
        }
        return new ResolverHook() {
            @Override
            public void filterResolvable(Collection<BundleRevision> resolvable) {
                // every bundle may resolve; only its choice of providers is filtered
            }

            @Override
            public void filterSingletonCollisions(BundleCapability singleton,
                    Collection<BundleCapability> collisions) {
                if (isCandidate(singleton.getRevision())) {
                    collisions.clear();
                } else {
                    collisions.removeIf(c -> isCandidate(c.getRevision()));
                }
            }

            @Override
            public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> providers) {
                if (!isCandidate(requirement.getRevision())) {
                    providers.removeIf(c -> isCandidate(c.getRevision()));
                }
            }

            @Override
            public void end() {
            }
        };
    }
}
