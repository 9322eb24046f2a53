// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import java.net.URL;

import org.osgi.framework.Bundle;

/**
 * The context class loader of the framework's threads in console mode. JLine 3.30 finds its terminal providers
 * through the thread context class loader ({@code META-INF/services/org/jline/terminal/provider/<name>}, then
 * the class it names). Inside OSGi that loader is the launcher's, which cannot see the JLine bundle, so the
 * Gogo console falls back to a dumb terminal. This loader answers those lookups from the JLine bundle and
 * everything else from its parent.
 */
final class JLineLoader extends ClassLoader {

    private static final String PROVIDERS = "META-INF/services/org/jline/";

    private volatile Bundle jline;

    JLineLoader(ClassLoader parent) {
        super(parent);
    }

    void use(Bundle bundle) {
        this.jline = bundle;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        Bundle b = jline;
        if (b != null && name.startsWith("org.jline.")) {
            return b.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    public URL getResource(String name) {
        Bundle b = jline;
        if (b != null && name.startsWith(PROVIDERS)) {
            URL url = b.getResource(name);
            if (url != null) {
                return url;
            }
        }
        return super.getResource(name);
    }
}
