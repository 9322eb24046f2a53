// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BundleContextExtension.class)
class FrameworkIT {

    @InjectBundleContext
    BundleContext context;

    @Test
    void everyBundleIsActive() {
        List<String> notActive = Arrays.stream(context.getBundles())
                .filter(b -> !isFragment(b) && b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + " " + b.getVersion() + " state=" + b.getState())
                .collect(Collectors.toList());
        assertThat(notActive).isEmpty();
    }

    private static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }
}
