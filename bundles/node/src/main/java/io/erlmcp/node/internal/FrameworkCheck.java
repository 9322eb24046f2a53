// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import io.erlmcp.health.HealthCheck;
import io.erlmcp.health.HealthResult;
import io.erlmcp.health.HealthStatus;

/** Healthy when every bundle but fragments is ACTIVE; names the ones that are not. */
@Component(service = HealthCheck.class, property = HealthCheck.NAME + "=framework")
public final class FrameworkCheck implements HealthCheck {

    private final BundleContext context;

    @Activate
    public FrameworkCheck(BundleContext context) {
        this.context = context;
    }

    @Override
    public HealthResult check() {
        Bundle[] bundles = context.getBundles();
        List<String> inactive = new ArrayList<>();
        int active = 0;
        for (Bundle bundle : bundles) {
            if (isFragment(bundle)) {
                continue;
            }
            if (bundle.getState() == Bundle.ACTIVE) {
                active++;
            } else {
                inactive.add(bundle.getSymbolicName() + " " + bundle.getVersion() + " (" + stateName(bundle.getState())
                        + ")");
            }
        }
        Map<String, Object> details = Map.of("bundles_total", bundles.length, "bundles_active", active);
        if (inactive.isEmpty()) {
            return HealthResult.healthy(details);
        }
        return new HealthResult(HealthStatus.UNHEALTHY, "bundles not active: " + String.join(", ", inactive), details);
    }

    static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    static String stateName(int state) {
        switch (state) {
            case Bundle.INSTALLED:
                return "installed";
            case Bundle.RESOLVED:
                return "resolved";
            case Bundle.STARTING:
                return "starting";
            case Bundle.STOPPING:
                return "stopping";
            case Bundle.ACTIVE:
                return "active";
            case Bundle.UNINSTALLED:
                return "uninstalled";
            default:
                return "state " + state;
        }
    }
}
