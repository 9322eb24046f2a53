// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy defaults = new OriginPolicy(OriginPolicy.LOCAL_HOSTS,
            OriginPolicy.LOCAL_ORIGINS);

    @Test
    void localHostsOnAnyPortPass() {
        assertThat(defaults.check("localhost:8080", null)).isNull();
        assertThat(defaults.check("127.0.0.1", null)).isNull();
        assertThat(defaults.check("[::1]:9000", null)).isNull();
        assertThat(defaults.check("LOCALHOST", "http://localhost:6274")).isNull();
        assertThat(defaults.check(null, null)).isNull();
    }

    @Test
    void foreignHostsAndOriginsAreRefused() {
        assertThat(defaults.check("evil.example", null)).contains("Host");
        assertThat(defaults.check("evil.example:8080", null)).contains("Host");
        assertThat(defaults.check("localhost:8080", "http://evil.example")).contains("Origin");
        assertThat(defaults.check("localhost:8080", "null")).contains("Origin");
        assertThat(defaults.check("localhost:8080", "http://localhost.evil.example")).contains("Origin");
    }

    @Test
    void configuredEntriesAndWildcards() {
        OriginPolicy p = new OriginPolicy(List.of("mcp.example.com"), List.of("https://app.example.com:8443"));
        assertThat(p.check("mcp.example.com:443", "https://app.example.com:8443")).isNull();
        assertThat(p.check("mcp.example.com", "https://app.example.com:9443")).contains("Origin");
        assertThat(p.check("localhost", null)).contains("Host");
        assertThat(new OriginPolicy(List.of("*"), List.of("*")).check("anything", "http://anything")).isNull();
        assertThatThrownBy(() -> new OriginPolicy(List.of("*"), List.of("not an origin")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
