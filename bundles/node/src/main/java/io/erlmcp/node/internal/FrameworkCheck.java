// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import io.erlmcp.health.HealthCheck;
import io.erlmcp.health.HealthResult;
import io.erlmcp.health.HealthStatus;

/**
 * Healthy when every bundle but fragments is ACTIVE (or STARTING lazily); names the ones that are not, so a
 * bundle that failed to start or lost its wiring shows up in {@code /health}.
 */
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
        int fragments = 0;
        for (Bundle bundle : bundles) {
            if (isFragment(bundle)) {
                fragments++;
                continue;
            }
            if (bundle.getState() == Bundle.ACTIVE || isLazyAndWaiting(bundle)) {
                active++;
            } else {
                inactive.add(bundle.getSymbolicName() + " " + bundle.getVersion() + " (" + stateName(bundle.getState())
                        + ")");
            }
        }
        Map<String, Object> details = Map.of("bundles_total", bundles.length, "bundles_active", active,
                "fragments", fragments);
        if (inactive.isEmpty()) {
            return HealthResult.healthy(details);
        }
        return new HealthResult(HealthStatus.UNHEALTHY, "bundles not active: " + String.join(", ", inactive), details);
    }

    /** A bundle with a lazy activation policy stays STARTING until a class is loaded from it: that is fine. */
    static boolean isLazyAndWaiting(Bundle bundle) {
        if (bundle.getState() != Bundle.STARTING) {
            return false;
        }
        String policy = bundle.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
        return policy != null && policy.trim().startsWith(Constants.ACTIVATION_LAZY);
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
