// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.hotdeploy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.service.cm.ConfigurationAdmin;

class DeployWatcherTest {

    @Test
    void fileNamesMapToPidsAsFileInstallDoes() throws Exception {
        List<String> calls = new ArrayList<>();
        ConfigurationAdmin cm = (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { ConfigurationAdmin.class }, (proxy, method, args) -> {
                    calls.add(method.getName() + " " + String.join(" ", java.util.Arrays.stream(args)
                            .map(String::valueOf).toList()));
                    return null;
                });
        DeployWatcher.configuration(cm, "io.erlmcp.transport.tcp.cfg");
        DeployWatcher.configuration(cm, "io.erlmcp.transport.tcp-main.cfg");
        DeployWatcher.configuration(cm, "io.erlmcp.transport.tcp-main-2.cfg");
        assertThat(calls).containsExactly(
                "getConfiguration io.erlmcp.transport.tcp ?",
                "getFactoryConfiguration io.erlmcp.transport.tcp main ?",
                "getFactoryConfiguration io.erlmcp.transport.tcp main-2 ?");
    }
}
