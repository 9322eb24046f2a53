// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.reload;

import java.util.List;

/**
 * What {@link ReloadService#prepare} found.
 *
 * @param ok       whether every revision passed and the set is now prepared
 * @param bundles  one entry per target, in order
 * @param problems every problem, prefixed with the bundle or target it concerns; empty when {@code ok}
 */
public record PrepareReport(boolean ok, List<PreparedBundle> bundles, List<String> problems) {

    public PrepareReport {
        bundles = List.copyOf(bundles);
        problems = List.copyOf(problems);
    }
}
