// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.Objects;

/** The contents of one resource: text or a base64 blob. */
public sealed interface ResourceContents {

    String uri();

    String mimeType();

    /**
     * @param uri      the resource's URI
     * @param mimeType or {@code null}
     * @param text     the text
     * @param meta     {@code _meta}, or {@code null}
     */
    record Text(String uri, String mimeType, String text, Object meta) implements ResourceContents {
        public Text {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(text, "text");
        }

        public Text(String uri, String mimeType, String text) {
            this(uri, mimeType, text, null);
        }
    }

    /**
     * @param uri      the resource's URI
     * @param mimeType or {@code null}
     * @param blob     the bytes, base64-encoded
     * @param meta     {@code _meta}, or {@code null}
     */
    record Blob(String uri, String mimeType, String blob, Object meta) implements ResourceContents {
        public Blob {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(blob, "blob");
        }

        public Blob(String uri, String mimeType, String blob) {
            this(uri, mimeType, blob, null);
        }
    }

    static ResourceContents text(String uri, String mimeType, String text) {
        return new Text(uri, mimeType, text);
    }

    static ResourceContents blob(String uri, String mimeType, String base64) {
        return new Blob(uri, mimeType, base64);
    }
}
