// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.reload;

import java.util.List;

/**
 * One checked revision in a {@link PrepareReport}.
 *
 * @param symbolicName      the Bundle-SymbolicName
 * @param fromVersion       the live version, or {@code null} when the bundle is new
 * @param toVersion         the new version
 * @param bundleId          the live bundle's id, or -1 when the bundle is new
 * @param source            where the new revision was read from (a path or URL)
 * @param dependents        symbolic names of the other bundles a refresh would restart
 * @param componentsAdded   DS component names only in the new revision
 * @param componentsRemoved DS component names only in the live revision
 * @param componentsKept    DS component names in both
 * @param problems          why this revision cannot be swapped in; empty when it can
 */
public record PreparedBundle(String symbolicName, String fromVersion, String toVersion, long bundleId,
        String source, List<String> dependents, List<String> componentsAdded, List<String> componentsRemoved,
        List<String> componentsKept, List<String> problems) {

    public PreparedBundle {
        dependents = List.copyOf(dependents);
        componentsAdded = List.copyOf(componentsAdded);
        componentsRemoved = List.copyOf(componentsRemoved);
        componentsKept = List.copyOf(componentsKept);
        problems = List.copyOf(problems);
    }

    /** @return whether the bundle is not installed yet */
    public boolean isNew() {
        return bundleId < 0;
    }
}
