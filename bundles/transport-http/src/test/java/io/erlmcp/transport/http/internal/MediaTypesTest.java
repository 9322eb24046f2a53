// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MediaTypesTest {

    @Test
    void acceptFollowsMediaRanges() {
        assertThat(MediaTypes.accepts("application/json, text/event-stream", "text/event-stream", false)).isTrue();
        assertThat(MediaTypes.accepts("Application/JSON;q=0.9", "application/json", false)).isTrue();
        assertThat(MediaTypes.accepts("application/json;q=0", "application/json", false)).isFalse();
        assertThat(MediaTypes.accepts("*/*", "text/event-stream", false)).isTrue();
        assertThat(MediaTypes.accepts("*/*", "text/event-stream", true)).isFalse();
        assertThat(MediaTypes.accepts("text/*", "text/event-stream", false)).isTrue();
        assertThat(MediaTypes.accepts("text/*", "application/json", false)).isFalse();
        assertThat(MediaTypes.accepts(null, "application/json", false)).isFalse();
    }

    @Test
    void contentTypeIgnoresParameters() {
        assertThat(MediaTypes.isType("application/json; charset=UTF-8", "application/json")).isTrue();
        assertThat(MediaTypes.isType("application/json-patch+json", "application/json")).isFalse();
        assertThat(MediaTypes.isType(null, "application/json")).isFalse();
    }
}
