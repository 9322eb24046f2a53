// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

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
