// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.List;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Component;

/**
 * Lets erlmcp's configuration files spell keys the runbook's way, {@code max_connections}, as well as the OSGi way,
 * {@code max.connections}. Declarative Services maps a component property type's {@code max_connections()} to the
 * property {@code max.connections}, so without this plugin a key written with underscores would be ignored without
 * a word. For every {@code io.erlmcp*} configuration, a key with underscores also appears with dots unless the dotted
 * key is set too (then the dotted one wins). Nothing is written back: ConfigurationAdmin applies plugins to the
 * properties it hands out.
 */
@Component(property = {ConfigurationPlugin.CM_RANKING + ":Integer=0",
        "config.plugin.id=io.erlmcp.underscore-keys"})
public final class UnderscoreKeys implements ConfigurationPlugin {

    static final String PID_PREFIX = "io.erlmcp";

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        if (!isErlmcp(properties.get(Constants.SERVICE_PID))
                && !isErlmcp(properties.get(ConfigurationAdmin.SERVICE_FACTORYPID))) {
            return;
        }
        List<String> keys = new ArrayList<>();
        for (Enumeration<String> e = properties.keys(); e.hasMoreElements();) {
            keys.add(e.nextElement());
        }
        for (String key : keys) {
            String dotted = dotted(key);
            if (dotted != null && properties.get(dotted) == null) {
                properties.put(dotted, properties.get(key));
            }
        }
    }

    /** @return the dotted spelling of a key with single underscores, or null when there is nothing to add */
    static String dotted(String key) {
        if (key.indexOf('_') < 0 || key.contains("__") || key.startsWith("service.") || key.startsWith("felix.")
                || key.startsWith("component.")) {
            return null;
        }
        return key.replace('_', '.');
    }

    private static boolean isErlmcp(Object pid) {
        return pid instanceof String s && (s.equals(PID_PREFIX) || s.startsWith(PID_PREFIX + "."));
    }
}
