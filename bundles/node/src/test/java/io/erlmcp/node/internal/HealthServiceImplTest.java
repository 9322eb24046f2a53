// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.erlmcp.health.HealthCheck;
import io.erlmcp.health.HealthReport;
import io.erlmcp.health.HealthResult;
import io.erlmcp.health.HealthStatus;

class HealthServiceImplTest {

    private final NodeInfoImpl node = new NodeInfoImpl("n", "1.2.3", Instant.now().minusSeconds(42), Path.of("."));
    private final HealthServiceImpl health = new HealthServiceImpl(node, 300);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        release.countDown();
        health.deactivate();
    }

    @Test
    void noChecksIsHealthyWithVersionAndUptime() {
        HealthReport report = health.report();
        assertThat(report.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(report.version()).isEqualTo("1.2.3");
        assertThat(report.uptimeSeconds()).isBetween(41L, 60L);
        assertThat(report.checks()).isEmpty();
    }

    @Test
    void theWorstCheckDecidesAndChecksAreReportedByName() {
        health.addCheck(HealthResult::healthy, Map.of(HealthCheck.NAME, "b"));
        health.addCheck(() -> HealthResult.degraded("slow disk"), Map.of(HealthCheck.NAME, "a"));
        assertThat(health.report().status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(health.report().checks().keySet()).containsExactly("a", "b");

        HealthCheck broken = () -> {
            throw new IllegalStateException("boom");
        };
        health.addCheck(broken, Map.of(HealthCheck.NAME, "c"));
        HealthReport report = health.report();
        assertThat(report.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(report.checks().get("c").message()).contains("boom");

        health.removeCheck(broken);
        assertThat(health.report().status()).isEqualTo(HealthStatus.DEGRADED);
    }

    @Test
    void aHungCheckIsUnhealthyWithinTheTimeLimit() {
        health.addCheck(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HealthResult.healthy();
        }, Map.of(HealthCheck.NAME, "hung"));
        long begin = System.nanoTime();
        HealthReport report = health.report();
        long millis = (System.nanoTime() - begin) / 1_000_000;
        assertThat(report.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(report.checks().get("hung").message()).contains("in time");
        assertThat(millis).isLessThan(2000);
    }

    @Test
    void oneCheckByNameOrNone() {
        health.addCheck(() -> HealthResult.unhealthy("down"), Map.of(HealthCheck.NAME, "db"));
        assertThat(health.check("db")).hasValueSatisfying(r -> assertThat(r.message()).isEqualTo("down"));
        assertThat(health.check("nope")).isEmpty();
    }

    @Test
    void aCheckWithoutNameIsReportedUnderItsComponentOrServiceId() {
        assertThat(HealthServiceImpl.nameOf(Map.of("component.name", "x.Y"))).isEqualTo("x.Y");
        assertThat(HealthServiceImpl.nameOf(Map.of("service.id", 7L))).isEqualTo("service-7");
    }
}
