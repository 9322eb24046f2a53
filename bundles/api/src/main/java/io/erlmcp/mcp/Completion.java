// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;
import java.util.Objects;

/**
 * Completion values. The engine sends at most 100 values; when there are more it sets {@code hasMore}.
 *
 * @param values  candidates, best first
 * @param total   the number of candidates in all, or {@code null}
 * @param hasMore whether more exist than sent, or {@code null}
 */
public record Completion(List<String> values, Integer total, Boolean hasMore) {

    public static final Completion EMPTY = new Completion(List.of(), null, null);

    public Completion {
        values = List.copyOf(Objects.requireNonNull(values, "values"));
    }

    public static Completion of(List<String> values) {
        return new Completion(values, values.size(), false);
    }
}
