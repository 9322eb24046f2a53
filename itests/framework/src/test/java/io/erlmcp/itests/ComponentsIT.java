// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.erlmcp.health.HealthCheck;

@ExtendWith(ServiceExtension.class)
class ComponentsIT {

    @InjectService(timeout = 5000)
    ServiceComponentRuntime scr;

    @Test
    void everyEnabledComponentOfOurBundlesIsSatisfied() throws Exception {
        List<String> problems = new ArrayList<>();
        int ours = 0;
        // Components settle asynchronously after their bundle starts; give them a moment.
        long deadline = System.currentTimeMillis() + 10_000;
        do {
            problems.clear();
            ours = 0;
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
                if (!description.bundle.symbolicName.startsWith("io.erlmcp.")) {
                    continue;
                }
                ours++;
                if (Boolean.parseBoolean(String.valueOf(description.properties.get(HealthCheck.OPTIONAL_COMPONENT)))) {
                    continue; // waits by design for a mode that is not on (stdio transport outside stdio mode)
                }
                if (!scr.isComponentEnabled(description)) {
                    problems.add(description.name + " is disabled");
                    continue;
                }
                var configurations = scr.getComponentConfigurationDTOs(description);
                if (configurations.isEmpty() && !"require".equals(description.configurationPolicy)) {
                    problems.add(description.name + " has no configuration");
                }
                for (ComponentConfigurationDTO configuration : configurations) {
                    if (configuration.state != ComponentConfigurationDTO.SATISFIED
                            && configuration.state != ComponentConfigurationDTO.ACTIVE) {
                        problems.add(description.name + " state=" + configuration.state
                                + " unsatisfied=" + List.of(configuration.unsatisfiedReferences).stream()
                                        .map(r -> r.name + " " + r.target).toList()
                                + (configuration.failure == null ? "" : " failure=" + configuration.failure));
                    }
                }
            }
            if (problems.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);

        assertThat(ours).as("components in io.erlmcp bundles").isGreaterThan(0);
        assertThat(problems).isEmpty();
    }
}
