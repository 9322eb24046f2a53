// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

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

    /** What DS does when a check arrives: a new list with the check and its service properties. */
    private void add(String name, HealthCheck check) {
        List<Map.Entry<Map<String, Object>, HealthCheck>> next = new ArrayList<>(health.checks);
        next.add(Map.entry(Map.of(HealthCheck.NAME, name), check));
        health.checks = List.copyOf(next);
    }

    private void remove(HealthCheck check) {
        List<Map.Entry<Map<String, Object>, HealthCheck>> next = new ArrayList<>(health.checks);
        next.removeIf(entry -> entry.getValue() == check);
        health.checks = List.copyOf(next);
    }

    private HealthCheck hung(AtomicInteger calls) {
        return () -> {
            calls.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HealthResult.healthy();
        };
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
        add("b", HealthResult::healthy);
        add("a", () -> HealthResult.degraded("slow disk"));
        assertThat(health.report().status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(health.report().checks().keySet()).containsExactly("a", "b");

        HealthCheck broken = () -> {
            throw new IllegalStateException("boom");
        };
        add("c", broken);
        HealthReport report = health.report();
        assertThat(report.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(report.checks().get("c").message()).contains("IllegalStateException", "boom");

        remove(broken);
        assertThat(health.report().status()).isEqualTo(HealthStatus.DEGRADED);
    }

    @Test
    void aNullResultIsUnhealthy() {
        add("null", () -> null);
        assertThat(health.check("null")).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(HealthStatus.UNHEALTHY);
            assertThat(r.message()).contains("no result");
        });
    }

    @Test
    void aHungCheckIsUnhealthyWithinTheTimeLimitAndOthersStillAnswer() {
        AtomicInteger calls = new AtomicInteger();
        add("hung", hung(calls));
        add("fine", HealthResult::healthy);
        long begin = System.nanoTime();
        HealthReport report = health.report();
        long millis = (System.nanoTime() - begin) / 1_000_000;
        assertThat(report.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(report.checks().get("hung").message()).contains("within 300 ms");
        assertThat(report.checks().get("fine").status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(millis).isLessThan(2000);
    }

    @Test
    void aHungCheckIsNotStartedAgainWhileItStillRuns() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        add("hung", hung(calls));
        for (int i = 0; i < 5; i++) {
            assertThat(health.report().status()).isEqualTo(HealthStatus.UNHEALTHY);
            assertThat(health.check("hung")).hasValueSatisfying(r -> assertThat(r.status())
                    .isEqualTo(HealthStatus.UNHEALTHY));
        }
        assertThat(calls).hasValue(1);

        release.countDown();
        Thread.sleep(50);
        assertThat(health.report().status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(calls).hasValue(2);
    }

    @Test
    void manyHungChecksAreReportedAsBackedUpInsteadOfQueueing() {
        for (int i = 0; i < HealthServiceImpl.MAX_THREADS + 3; i++) {
            add("hung-" + i, hung(new AtomicInteger()));
        }
        HealthReport report = health.report();
        assertThat(report.checks()).hasSize(HealthServiceImpl.MAX_THREADS + 3);
        assertThat(report.checks().values()).allSatisfy(r -> assertThat(r.status())
                .isEqualTo(HealthStatus.UNHEALTHY));
        assertThat(report.checks().values()).anySatisfy(r -> assertThat(r.message()).contains("already running"));
    }

    @Test
    void oneCheckByNameOrNone() {
        add("db", () -> HealthResult.unhealthy("down"));
        assertThat(health.check("db")).hasValueSatisfying(r -> assertThat(r.message()).isEqualTo("down"));
        assertThat(health.check("nope")).isEmpty();
    }

    @Test
    void twoChecksUnderOneNameReportTheWorse() {
        add("db", HealthResult::healthy);
        add("db", () -> HealthResult.degraded("replica lag"));
        assertThat(health.report().checks()).hasSize(1);
        assertThat(health.report().checks().get("db").status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(health.check("db")).hasValueSatisfying(r -> assertThat(r.message()).isEqualTo("replica lag"));
    }

    @Test
    void aCheckWithoutNameIsReportedUnderItsComponentOrServiceId() {
        assertThat(HealthServiceImpl.nameOf(Map.of("component.name", "x.Y"))).isEqualTo("x.Y");
        assertThat(HealthServiceImpl.nameOf(Map.of("service.id", 7L))).isEqualTo("service-7");
    }

    @Test
    void aNonPositiveTimeLimitIsRefused() {
        assertThatThrownBy(() -> new HealthServiceImpl(node, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("check.timeout.millis");
    }
}
