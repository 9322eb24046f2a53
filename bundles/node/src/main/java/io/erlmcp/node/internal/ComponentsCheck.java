// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

import io.erlmcp.health.HealthCheck;
import io.erlmcp.health.HealthResult;
import io.erlmcp.health.HealthStatus;

/**
 * Healthy when every enabled Declarative Services component is satisfied or active; names the others with
 * their missing references or activation failure. Components that wait for a configuration they require are
 * not counted: they are off by the operator's choice. Components carrying {@link HealthCheck#OPTIONAL_COMPONENT}
 * are named in the message but do not make the check unhealthy.
 */
@Component(service = HealthCheck.class, property = HealthCheck.NAME + "=components")
public final class ComponentsCheck implements HealthCheck {

    private final ServiceComponentRuntime scr;

    @Activate
    public ComponentsCheck(@Reference ServiceComponentRuntime scr) {
        this.scr = scr;
    }

    @Override
    public HealthResult check() {
        int total = 0;
        int satisfied = 0;
        List<String> problems = new ArrayList<>();
        List<String> optional = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (!scr.isComponentEnabled(description)) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION) {
                    continue; // waits for a configuration it requires: off until the operator configures it
                }
                total++;
                if (configuration.state == ComponentConfigurationDTO.ACTIVE
                        || configuration.state == ComponentConfigurationDTO.SATISFIED) {
                    satisfied++;
                } else if (isOptional(description)) {
                    total--;
                    optional.add(describe(description, configuration));
                } else {
                    problems.add(describe(description, configuration));
                }
            }
        }
        Map<String, Object> details = Map.of("components_total", total, "components_satisfied", satisfied,
                "optional_waiting", optional.size());
        if (problems.isEmpty()) {
            return optional.isEmpty() ? HealthResult.healthy(details)
                    : new HealthResult(HealthStatus.HEALTHY, "optional, waiting: " + String.join("; ", optional),
                            details);
        }
        return new HealthResult(HealthStatus.UNHEALTHY, String.join("; ", problems), details);
    }

    static boolean isOptional(ComponentDescriptionDTO description) {
        Object flag = description.properties == null ? null : description.properties.get(HealthCheck.OPTIONAL_COMPONENT);
        return Boolean.TRUE.equals(flag) || "true".equals(flag);
    }

    static String describe(ComponentDescriptionDTO description, ComponentConfigurationDTO configuration) {
        StringBuilder text = new StringBuilder(description.name);
        if (configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
            text.append(" failed to activate: ").append(configuration.failure == null ? "?" : cause(configuration.failure));
        } else if (configuration.unsatisfiedReferences != null && configuration.unsatisfiedReferences.length > 0) {
            text.append(" is missing");
            String separator = " ";
            for (UnsatisfiedReferenceDTO reference : configuration.unsatisfiedReferences) {
                text.append(separator).append(reference.name).append(" (").append(interfaceOf(description,
                        reference.name));
                if (reference.target != null) {
                    text.append(' ').append(reference.target);
                }
                text.append(')');
                separator = ", ";
            }
        } else {
            text.append(" is unsatisfied (state ").append(configuration.state).append(')');
        }
        return text.toString();
    }

    private static String interfaceOf(ComponentDescriptionDTO description, String reference) {
        if (description.references != null) {
            for (ReferenceDTO candidate : description.references) {
                if (reference.equals(candidate.name)) {
                    return candidate.interfaceName;
                }
            }
        }
        return "?";
    }

    /** The innermost "Caused by:" of a stack trace (the activator's own exception), else its first line. */
    static String cause(String stackTrace) {
        String text = stackTrace;
        int caused = text.lastIndexOf("Caused by: ");
        if (caused >= 0) {
            text = text.substring(caused + "Caused by: ".length());
        }
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }
}
