// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.Objects;

/**
 * One content block of a tool result, prompt message or sampling message. Build with the static factories:
 * {@code Content.text("hi")}, {@code Content.image(base64, "image/png")}.
 */
public sealed interface Content {

    /** @return the annotations, or {@code null} */
    Annotations annotations();

    record Text(String text, Annotations annotations, Object meta) implements Content {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /** @param data base64-encoded image bytes */
    record Image(String data, String mimeType, Annotations annotations, Object meta) implements Content {
        public Image {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(mimeType, "mimeType");
        }
    }

    /** @param data base64-encoded audio bytes */
    record Audio(String data, String mimeType, Annotations annotations, Object meta) implements Content {
        public Audio {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(mimeType, "mimeType");
        }
    }

    /** A link to a resource the client may read (type {@code resource_link}). */
    record ResourceLink(String uri, String name, String title, String description, String mimeType, Long size,
            Annotations annotations, Object meta) implements Content {
        public ResourceLink {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(name, "name");
        }
    }

    /** A resource embedded in the message (type {@code resource}). */
    record Embedded(ResourceContents resource, Annotations annotations, Object meta) implements Content {
        public Embedded {
            Objects.requireNonNull(resource, "resource");
        }
    }

    static Content text(String text) {
        return new Text(text, null, null);
    }

    static Content image(String base64, String mimeType) {
        return new Image(base64, mimeType, null, null);
    }

    static Content audio(String base64, String mimeType) {
        return new Audio(base64, mimeType, null, null);
    }

    static Content resourceLink(String uri, String name, String mimeType) {
        return new ResourceLink(uri, name, null, null, mimeType, null, null, null);
    }

    static Content embedded(ResourceContents resource) {
        return new Embedded(resource, null, null);
    }
}
