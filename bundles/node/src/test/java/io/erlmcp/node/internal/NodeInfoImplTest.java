// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class NodeInfoImplTest {

    @Test
    void startTimeFromEpochMillisOrNowWhenMissingOrMalformed() {
        assertThat(NodeInfoImpl.startTime("1000")).isEqualTo(Instant.ofEpochMilli(1000));
        assertThat(NodeInfoImpl.startTime(null)).isCloseTo(Instant.now(), within());
        assertThat(NodeInfoImpl.startTime("yesterday")).isCloseTo(Instant.now(), within());
    }

    @Test
    void uptimeCountsFromTheStartAndIsNeverNegative() {
        NodeInfoImpl node = new NodeInfoImpl("n", "1.0.0", Instant.now().minusSeconds(90), Path.of("/opt/erlmcp"));
        assertThat(node.uptime()).isBetween(Duration.ofSeconds(89), Duration.ofSeconds(120));
        assertThat(node.name()).isEqualTo("n");
        assertThat(node.version()).isEqualTo("1.0.0");
        assertThat(node.instanceDir()).isEqualTo(Path.of("/opt/erlmcp"));
        NodeInfoImpl clockSkew = new NodeInfoImpl("n", "1.0.0", Instant.now().plusSeconds(60), Path.of("."));
        assertThat(clockSkew.uptime()).isEqualTo(Duration.ZERO);
    }

    private static org.assertj.core.data.TemporalUnitOffset within() {
        return new org.assertj.core.data.TemporalUnitWithinOffset(5, java.time.temporal.ChronoUnit.SECONDS);
    }
}
