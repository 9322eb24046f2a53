// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/** Writes small bundles at test time: a manifest, entries, and class files copied from the test bundle. */
public final class TestBundles {

    private TestBundles() {
    }

    /** Writes the jar beside {@code target} and moves it into place, so a watcher never reads half a file. */
    public static Path write(Path target, Map<String, String> headers, Map<String, byte[]> entries) throws IOException {
        Manifest mf = new Manifest();
        headers.forEach((k, v) -> mf.getMainAttributes().put(new Attributes.Name(k), v));
        Path parent = target.toAbsolutePath().getParent();
        Path staging = Files.createDirectories(parent.getParent() == null ? parent : parent.getParent());
        Path tmp = Files.createTempFile(staging, "bundle", ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jar = new JarOutputStream(out, mf)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
        }
        Files.createDirectories(parent);
        return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Writes a bundle holding one tool: {@code toolClass} (copied from the test bundle) as a DS component that
     * provides {@code io.erlmcp.mcp.Tool}.
     */
    public static Path toolBundle(Path target, String symbolicName, String componentName, Class<?> toolClass)
            throws IOException {
        String ds = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%s">
                  <implementation class="%s"/>
                  <service><provide interface="io.erlmcp.mcp.Tool"/></service>
                </scr:component>
                """.formatted(componentName, toolClass.getName());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Manifest-Version", "1.0");
        headers.put("Bundle-ManifestVersion", "2");
        headers.put("Bundle-SymbolicName", symbolicName);
        headers.put("Bundle-Version", "1.0.0");
        headers.put("Import-Package", "io.erlmcp.mcp;version=\"[1,2)\"");
        headers.put("Service-Component", "OSGI-INF/tool.xml");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("OSGI-INF/tool.xml", ds.getBytes(StandardCharsets.UTF_8));
        entries.put(classFile(toolClass), classBytes(toolClass));
        return write(target, headers, entries);
    }

    /** Installs the jar at {@code jar} (not started); its location names the file. */
    public static Bundle install(BundleContext context, Path jar) throws IOException, BundleException {
        try (InputStream in = Files.newInputStream(jar)) {
            return context.installBundle("itest:" + jar, in);
        }
    }

    /** @return the jar entry name of a class's file */
    public static String classFile(Class<?> type) {
        return type.getName().replace('.', '/') + ".class";
    }

    /** @return the bytes of a class's file, as the test bundle holds it */
    public static byte[] classBytes(Class<?> type) throws IOException {
        try (InputStream in = type.getClassLoader().getResourceAsStream(classFile(type))) {
            return in.readAllBytes();
        }
    }
}
