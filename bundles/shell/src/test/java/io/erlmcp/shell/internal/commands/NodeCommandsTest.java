// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.shell.internal.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.promise.Promise;

import io.erlmcp.health.HealthReport;
import io.erlmcp.health.HealthResult;
import io.erlmcp.health.HealthService;
import io.erlmcp.health.HealthStatus;
import io.erlmcp.node.NodeInfo;

class NodeCommandsTest {

    private final NodeInfo node = new NodeInfo() {
        @Override
        public String name() {
            return "erlmcp@test";
        }

        @Override
        public String version() {
            return "0.1.0";
        }

        @Override
        public Instant startedAt() {
            return Instant.now().minusSeconds(75);
        }

        @Override
        public Duration uptime() {
            return Duration.ofSeconds(75);
        }

        @Override
        public Path instanceDir() {
            return Path.of("/opt/erlmcp");
        }
    };

    private final HealthService health = new HealthService() {
        @Override
        public HealthReport report() {
            return new HealthReport(HealthStatus.DEGRADED, "0.1.0", 75, Map.of("framework", HealthResult.healthy(
                    Map.of("bundles_active", 3)), "disk", HealthResult.degraded("92% full")));
        }

        @Override
        public Optional<HealthResult> check(String name) {
            return Optional.ofNullable(report().checks().get(name));
        }
    };

    private final NodeCommands commands = new NodeCommands(context(bundle(Bundle.ACTIVE, false),
            bundle(Bundle.ACTIVE, false), bundle(Bundle.RESOLVED, false), bundle(Bundle.RESOLVED, true)), node, health,
            scr());

    @Test
    @SuppressWarnings("unchecked")
    void statusSummarizesNodeBundlesComponentsAndHealth() {
        Map<String, Object> status = commands.status();
        assertThat(status).containsEntry("node", "erlmcp@test").containsEntry("version", "0.1.0")
                .containsEntry("uptime_seconds", 75L);
        assertThat((Map<String, Object>) status.get("bundles")).containsEntry("active", 2).containsEntry("total", 3)
                .containsEntry("fragments", 1);
        assertThat((Map<String, Object>) status.get("components")).containsEntry("satisfied", 2)
                .containsEntry("total", 3).containsEntry("disabled", 1).containsEntry("waiting_for_configuration", 1);
        Map<String, Object> summary = (Map<String, Object>) status.get("health");
        assertThat(summary).containsEntry("status", "degraded");
        assertThat((Map<String, Object>) summary.get("checks")).containsEntry("framework", "healthy")
                .containsEntry("disk", "degraded");
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthShowsEveryCheckWithMessageAndDetails() {
        Map<String, Object> report = commands.health();
        assertThat(report).containsEntry("status", "degraded").containsEntry("uptime_seconds", 75L);
        Map<String, Object> checks = (Map<String, Object>) report.get("checks");
        assertThat((Map<String, Object>) checks.get("disk")).containsEntry("status", "degraded")
                .containsEntry("message", "92% full");
        assertThat((Map<String, Object>) checks.get("framework")).containsEntry("bundles_active", 3)
                .doesNotContainKey("message");
    }

    @Test
    void healthOfOneCheckOrAnErrorNamingTheWayOut() {
        assertThat(commands.health("disk")).containsEntry("status", "degraded").containsEntry("message", "92% full");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> commands.health("nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    @Test
    void vmMetricsIsTheSnapshot() {
        assertThat(commands.vm_metrics()).containsKeys("heap", "threads", "gc", "cpu");
    }

    @Test
    void garbageCollectReleasesGarbageAndReportsTheLiveHeap() {
        byte[][] garbage = new byte[64][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[256 * 1024];
        }
        garbage = null;
        Map<String, Object> result = commands.garbage_collect();
        assertThat(result).containsKeys("heap_used_before_bytes", "heap_used_after_bytes", "threads", "took_ms");
        assertThat((Long) result.get("heap_used_after_bytes")).isLessThan((Long) result.get("heap_used_before_bytes"));
    }

    private static ServiceComponentRuntime scr() {
        Map<String, List<Integer>> states = Map.of("a", List.of(ComponentConfigurationDTO.ACTIVE), "b",
                List.of(ComponentConfigurationDTO.SATISFIED), "c", List.of(ComponentConfigurationDTO.UNSATISFIED_REFERENCE),
                "transport", List.of(ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION), "off", List.of());
        return new ServiceComponentRuntime() {
            @Override
            public Collection<ComponentDescriptionDTO> getComponentDescriptionDTOs(Bundle... bundles) {
                return states.keySet().stream().map(name -> {
                    ComponentDescriptionDTO description = new ComponentDescriptionDTO();
                    description.name = name;
                    return description;
                }).toList();
            }

            @Override
            public ComponentDescriptionDTO getComponentDescriptionDTO(Bundle bundle, String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Collection<ComponentConfigurationDTO> getComponentConfigurationDTOs(
                    ComponentDescriptionDTO description) {
                return states.get(description.name).stream().map(state -> {
                    ComponentConfigurationDTO configuration = new ComponentConfigurationDTO();
                    configuration.state = state;
                    return configuration;
                }).toList();
            }

            @Override
            public boolean isComponentEnabled(ComponentDescriptionDTO description) {
                return !description.name.equals("off");
            }

            @Override
            public Promise<Void> enableComponent(ComponentDescriptionDTO description) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Promise<Void> disableComponent(ComponentDescriptionDTO description) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static BundleContext context(Bundle... bundles) {
        return (BundleContext) Proxy.newProxyInstance(NodeCommandsTest.class.getClassLoader(),
                new Class<?>[] { BundleContext.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getBundles")) {
                        return bundles;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Bundle bundle(int state, boolean fragment) {
        BundleRevision revision = (BundleRevision) Proxy.newProxyInstance(NodeCommandsTest.class.getClassLoader(),
                new Class<?>[] { BundleRevision.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getTypes")) {
                        return fragment ? BundleRevision.TYPE_FRAGMENT : 0;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (Bundle) Proxy.newProxyInstance(NodeCommandsTest.class.getClassLoader(), new Class<?>[] { Bundle.class },
                (proxy, method, args) -> switch (method.getName()) {
                    case "getState" -> state;
                    case "adapt" -> args[0] == BundleRevision.class ? revision : null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
