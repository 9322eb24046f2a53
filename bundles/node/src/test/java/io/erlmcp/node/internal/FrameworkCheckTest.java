// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Hashtable;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleRevision;

import io.erlmcp.health.HealthResult;
import io.erlmcp.health.HealthStatus;

class FrameworkCheckTest {

    @Test
    void healthyWhenEveryBundleButFragmentsIsActive() {
        HealthResult result = new FrameworkCheck(context(bundle("a", Bundle.ACTIVE, false, null),
                bundle("frag", Bundle.RESOLVED, true, null), bundle("lazy", Bundle.STARTING, false, "lazy"))).check();
        assertThat(result.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(result.details()).containsEntry("bundles_total", 3).containsEntry("bundles_active", 2)
                .containsEntry("fragments", 1);
    }

    @Test
    void unhealthyNamingTheBundlesThatAreNotActive() {
        HealthResult result = new FrameworkCheck(context(bundle("a", Bundle.ACTIVE, false, null),
                bundle("broken", Bundle.INSTALLED, false, null), bundle("stuck", Bundle.STARTING, false, null)))
                .check();
        assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(result.message()).contains("broken 1.0.0 (installed)", "stuck 1.0.0 (starting)")
                .doesNotContain("a 1.0.0");
    }

    static BundleContext context(Bundle... bundles) {
        return (BundleContext) Proxy.newProxyInstance(FrameworkCheckTest.class.getClassLoader(),
                new Class<?>[] { BundleContext.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getBundles")) {
                        return bundles;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    static Bundle bundle(String name, int state, boolean fragment, String activationPolicy) {
        BundleRevision revision = (BundleRevision) Proxy.newProxyInstance(FrameworkCheckTest.class.getClassLoader(),
                new Class<?>[] { BundleRevision.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getTypes")) {
                        return fragment ? BundleRevision.TYPE_FRAGMENT : 0;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        Hashtable<String, String> headers = new Hashtable<>();
        if (activationPolicy != null) {
            headers.put(Constants.BUNDLE_ACTIVATIONPOLICY, activationPolicy);
        }
        return (Bundle) Proxy.newProxyInstance(FrameworkCheckTest.class.getClassLoader(),
                new Class<?>[] { Bundle.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getSymbolicName":
                            return name;
                        case "getVersion":
                            return Version.parseVersion("1.0.0");
                        case "getState":
                            return state;
                        case "adapt":
                            return args[0] == BundleRevision.class ? revision : null;
                        case "getHeaders":
                            return headers;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
