// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;
import java.util.Objects;

/**
 * A family of resources named by an RFC 6570 URI template, as listed by {@code resources/templates/list}.
 *
 * @param uriTemplate for example {@code test://template/{id}/data}; levels 1-3 are matched
 * @param name        programmatic name
 * @param title       or {@code null}
 * @param description or {@code null}
 * @param mimeType    or {@code null}
 * @param annotations or {@code null}
 * @param icons       or {@code null}
 * @param meta        {@code _meta}, or {@code null}
 */
public record ResourceTemplateDefinition(String uriTemplate, String name, String title, String description,
        String mimeType, Annotations annotations, List<Icon> icons, Object meta) {

    public ResourceTemplateDefinition {
        Objects.requireNonNull(uriTemplate, "uriTemplate");
        Objects.requireNonNull(name, "name");
        icons = icons == null ? null : List.copyOf(icons);
    }

    public static ResourceTemplateDefinition of(String uriTemplate, String name, String description,
            String mimeType) {
        return new ResourceTemplateDefinition(uriTemplate, name, null, description, mimeType, null, null, null);
    }
}
