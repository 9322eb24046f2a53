// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.util.promise.Promise;

import io.erlmcp.health.HealthResult;
import io.erlmcp.health.HealthStatus;

class ComponentsCheckTest {

    @Test
    void healthyWhenEveryEnabledComponentIsSatisfiedOrActive() {
        FakeScr scr = new FakeScr(Map.of(description("a"), List.of(configuration(ComponentConfigurationDTO.ACTIVE)),
                description("b"), List.of(configuration(ComponentConfigurationDTO.SATISFIED)),
                description("off"), List.of(configuration(ComponentConfigurationDTO.UNSATISFIED_REFERENCE)),
                description("factory"), List.of(configuration(ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION))),
                Set.of("off"));
        HealthResult result = new ComponentsCheck(scr).check();
        assertThat(result.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(result.details()).containsEntry("components_total", 2).containsEntry("components_satisfied", 2);
    }

    @Test
    void unhealthyNamingUnsatisfiedComponentsWithTheirMissingReferences() {
        ComponentDescriptionDTO waiting = description("io.erlmcp.x.Waiting");
        ReferenceDTO store = new ReferenceDTO();
        store.name = "store";
        store.interfaceName = "io.erlmcp.session.SessionStore";
        waiting.references = new ReferenceDTO[] { store };
        ComponentConfigurationDTO unsatisfied = configuration(ComponentConfigurationDTO.UNSATISFIED_REFERENCE);
        UnsatisfiedReferenceDTO missing = new UnsatisfiedReferenceDTO();
        missing.name = "store";
        missing.target = "(kind=memory)";
        unsatisfied.unsatisfiedReferences = new UnsatisfiedReferenceDTO[] { missing };
        ComponentConfigurationDTO failed = configuration(ComponentConfigurationDTO.FAILED_ACTIVATION);
        failed.failure = "java.lang.IllegalArgumentException: port 70000\n\tat x.y";

        HealthResult result = new ComponentsCheck(new FakeScr(Map.of(waiting, List.of(unsatisfied),
                description("io.erlmcp.x.Broken"), List.of(failed), description("ok"),
                List.of(configuration(ComponentConfigurationDTO.ACTIVE))), Set.of())).check();
        assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(result.message()).contains(
                "io.erlmcp.x.Waiting is missing store (io.erlmcp.session.SessionStore (kind=memory))",
                "io.erlmcp.x.Broken failed to activate: java.lang.IllegalArgumentException: port 70000")
                .doesNotContain("at x.y");
        assertThat(result.details()).containsEntry("components_total", 3).containsEntry("components_satisfied", 1);
    }

    @Test
    void anOptionalComponentIsNamedButKeepsTheCheckHealthy() {
        ComponentDescriptionDTO stdio = description("io.erlmcp.x.Stdio");
        stdio.properties = Map.of(io.erlmcp.health.HealthCheck.OPTIONAL_COMPONENT, "true");
        HealthResult result = new ComponentsCheck(new FakeScr(Map.of(stdio,
                List.of(configuration(ComponentConfigurationDTO.UNSATISFIED_REFERENCE)), description("a"),
                List.of(configuration(ComponentConfigurationDTO.ACTIVE))), Set.of())).check();
        assertThat(result.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(result.message()).contains("io.erlmcp.x.Stdio");
        assertThat(result.details()).containsEntry("components_total", 1).containsEntry("components_satisfied", 1)
                .containsEntry("optional_waiting", 1);
    }

    static ComponentDescriptionDTO description(String name) {
        ComponentDescriptionDTO description = new ComponentDescriptionDTO();
        description.name = name;
        return description;
    }

    static ComponentConfigurationDTO configuration(int state) {
        ComponentConfigurationDTO configuration = new ComponentConfigurationDTO();
        configuration.state = state;
        return configuration;
    }

    /** The two queries the check makes; everything else is unsupported. */
    static final class FakeScr implements ServiceComponentRuntime {
        private final Map<ComponentDescriptionDTO, List<ComponentConfigurationDTO>> components;
        private final Set<String> disabled;

        FakeScr(Map<ComponentDescriptionDTO, List<ComponentConfigurationDTO>> components, Set<String> disabled) {
            this.components = components;
            this.disabled = disabled;
        }

        @Override
        public Collection<ComponentDescriptionDTO> getComponentDescriptionDTOs(Bundle... bundles) {
            return components.keySet();
        }

        @Override
        public ComponentDescriptionDTO getComponentDescriptionDTO(Bundle bundle, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Collection<ComponentConfigurationDTO> getComponentConfigurationDTOs(
                ComponentDescriptionDTO description) {
            return components.get(description);
        }

        @Override
        public boolean isComponentEnabled(ComponentDescriptionDTO description) {
            return !disabled.contains(description.name);
        }

        @Override
        public Promise<Void> enableComponent(ComponentDescriptionDTO description) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Promise<Void> disableComponent(ComponentDescriptionDTO description) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void anActivationFailureIsReportedByItsInnermostCause() {
        String trace = "java.lang.reflect.InvocationTargetException\n\tat a.b(C.java:1)\n"
                + "Caused by: java.lang.IllegalArgumentException: tls.keystore /x is not a readable file\n\tat d.e";
        assertThat(ComponentsCheck.cause(trace))
                .isEqualTo("java.lang.IllegalArgumentException: tls.keystore /x is not a readable file");
        assertThat(ComponentsCheck.cause("java.lang.IllegalStateException: boom\n\tat x")).isEqualTo(
                "java.lang.IllegalStateException: boom");
    }
}
