// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.jupiter.api.Test;

class UnderscoreKeysTest {

    private final UnderscoreKeys plugin = new UnderscoreKeys();

    @Test
    void anErlmcpKeyWithUnderscoresAlsoAppearsWithDots() {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("service.pid", "io.erlmcp.http");
        p.put("tls_keystore", "/etc/k.p12");
        p.put("idle_timeout_millis", 5000L);
        p.put("port", 8080);
        plugin.modifyConfiguration(null, p);
        assertThat(p.get("tls.keystore")).isEqualTo("/etc/k.p12");
        assertThat(p.get("idle.timeout.millis")).isEqualTo(5000L);
        assertThat(p.get("tls_keystore")).isEqualTo("/etc/k.p12");
        assertThat(p.size()).isEqualTo(6);
    }

    @Test
    void theDottedKeyWinsWhenBothAreSet() {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("service.factoryPid", "io.erlmcp.mcp.tcp");
        p.put("service.pid", "io.erlmcp.mcp.tcp~tls");
        p.put("max_connections", 5);
        p.put("max.connections", 7);
        plugin.modifyConfiguration(null, p);
        assertThat(p.get("max.connections")).isEqualTo(7);
    }

    @Test
    void otherConfigurationsAndFrameworkKeysAreLeftAlone() {
        Dictionary<String, Object> other = new Hashtable<>();
        other.put("service.pid", "org.example.thing");
        other.put("max_connections", 5);
        plugin.modifyConfiguration(null, other);
        assertThat(other.get("max.connections")).isNull();

        assertThat(UnderscoreKeys.dotted("felix.fileinstall_filename")).isNull();
        assertThat(UnderscoreKeys.dotted("keep__underscore")).isNull();
        assertThat(UnderscoreKeys.dotted("port")).isNull();
        assertThat(UnderscoreKeys.dotted("queue_max_bytes")).isEqualTo("queue.max.bytes");
    }
}
