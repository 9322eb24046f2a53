// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;
import java.util.Objects;

/**
 * An icon for a tool, resource, prompt or the server.
 *
 * @param src      an https or data: URI
 * @param mimeType or {@code null}
 * @param sizes    for example {@code ["48x48"]}, or {@code null}
 * @param theme    {@code light}, {@code dark} or {@code null}
 */
public record Icon(String src, String mimeType, List<String> sizes, String theme) {

    public Icon {
        Objects.requireNonNull(src, "src");
        sizes = sizes == null ? null : List.copyOf(sizes);
    }

    public static Icon of(String src) {
        return new Icon(src, null, null, null);
    }
}
