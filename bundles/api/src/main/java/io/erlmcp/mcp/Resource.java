// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;
import java.util.Objects;

/**
 * A concrete resource as listed by {@code resources/list}.
 *
 * @param uri         unique URI
 * @param name        programmatic name
 * @param title       display name, or {@code null}
 * @param description or {@code null}
 * @param mimeType    or {@code null}
 * @param size        bytes, or {@code null}
 * @param annotations or {@code null}
 * @param icons       or {@code null}
 * @param meta        {@code _meta}, or {@code null}
 */
public record Resource(String uri, String name, String title, String description, String mimeType, Long size,
        Annotations annotations, List<Icon> icons, Object meta) {

    public Resource {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(name, "name");
        icons = icons == null ? null : List.copyOf(icons);
    }

    public static Resource of(String uri, String name, String description, String mimeType) {
        return new Resource(uri, name, null, description, mimeType, null, null, null, null);
    }
}
