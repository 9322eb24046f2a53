// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy defaults = Settings.defaults().policy();

    @Test
    void localhostWithAnyPortIsTheDefault() {
        assertThat(defaults.hostAllowed("localhost", 8080)).isTrue();
        assertThat(defaults.hostAllowed("LOCALHOST", -1)).isTrue();
        assertThat(defaults.hostAllowed("127.0.0.1", 1)).isTrue();
        assertThat(defaults.hostAllowed("[::1]", 8080)).isTrue();
        assertThat(defaults.hostAllowed("::1", 8080)).isTrue();
        assertThat(defaults.hostAllowed("evil.example", 8080)).isFalse();
        assertThat(defaults.hostAllowed(null, -1)).isFalse();

        assertThat(defaults.originAllowed(null)).isTrue();
        assertThat(defaults.originAllowed("http://localhost:6274")).isTrue();
        assertThat(defaults.originAllowed("https://[::1]:443")).isTrue();
        assertThat(defaults.originAllowed("http://localhost.evil.example")).isFalse();
        assertThat(defaults.originAllowed("null")).isFalse();
        assertThat(defaults.originAllowed("file://")).isFalse();
    }

    @Test
    void entriesWithAPortPinIt() {
        OriginPolicy p = new OriginPolicy(List.of("mcp.example.com:8443", "[::1]:9000"),
                List.of("https://app.example.com:8443"));
        assertThat(p.hostAllowed("mcp.example.com", 8443)).isTrue();
        assertThat(p.hostAllowed("mcp.example.com", 80)).isFalse();
        assertThat(p.hostAllowed("[::1]", 9000)).isTrue();
        assertThat(p.originAllowed("https://app.example.com:8443")).isTrue();
        assertThat(p.originAllowed("http://app.example.com:8443")).isFalse();
        assertThat(p.originAllowed("https://app.example.com")).isFalse();
    }

    @Test
    void starAllowsEverythingAndBadEntriesAreRefused() {
        OriginPolicy any = new OriginPolicy(List.of("*"), List.of("*"));
        assertThat(any.hostAllowed("anything", 1)).isTrue();
        assertThat(any.originAllowed("null")).isTrue();
        assertThatThrownBy(() -> new OriginPolicy(List.of("host:port"), List.of())).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> new OriginPolicy(List.of(), List.of("localhost"))).isInstanceOf(
                IllegalArgumentException.class);
    }
}
