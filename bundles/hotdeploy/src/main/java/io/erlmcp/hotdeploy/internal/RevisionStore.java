// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.hotdeploy.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.osgi.framework.Bundle;

import io.erlmcp.reload.StoredRevision;

/**
 * Previous revisions on disk, {@code <dir>/<bsn>/<version>-<yyyyMMdd'T'HHmmssSSS'Z'>.jar}, and the journal of the
 * last reload ({@code <dir>/last-reload.properties}: bsn = stored jar, or {@code -} for a bundle the reload
 * installed). Both survive a node restart. A revision is rebuilt from the bundle's own entries, because after an
 * update the bundle's location no longer says where its content came from.
 */
final class RevisionStore {

    static final String NOT_INSTALLED = "-";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern FILE = Pattern.compile("(.+)-(\\d{8}T\\d{9}Z)\\.jar");

    private final Path dir;
    private final int keep;

    RevisionStore(Path dir, int keep) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.keep = Math.max(1, keep);
    }

    Path dir() {
        return dir;
    }

    /** Writes the bundle's current revision and prunes the bundle's oldest stored jars beyond {@code keep}. */
    Path save(Bundle bundle) throws IOException {
        String bsn = bundle.getSymbolicName();
        Path bsnDir = Files.createDirectories(dir.resolve(safe(bsn)));
        Path target = bsnDir.resolve(safe(bundle.getVersion().toString()) + "-" + STAMP.format(Instant.now()) + ".jar");
        Path tmp = bsnDir.resolve(target.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
            URL manifest = bundle.getEntry("META-INF/MANIFEST.MF");
            if (manifest != null) {
                copyEntry(zip, "META-INF/MANIFEST.MF", manifest);
            }
            Deque<String> paths = new ArrayDeque<>();
            paths.add("/");
            while (!paths.isEmpty()) {
                Enumeration<String> children = bundle.getEntryPaths(paths.removeFirst());
                while (children != null && children.hasMoreElements()) {
                    String path = children.nextElement();
                    if (path.endsWith("/")) {
                        paths.add(path);
                        zip.putNextEntry(new ZipEntry(path));
                        zip.closeEntry();
                    } else if (!path.equals("META-INF/MANIFEST.MF")) {
                        copyEntry(zip, path, bundle.getEntry(path));
                    }
                }
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        prune(bsnDir);
        return target;
    }

    /** @return every stored revision, newest first */
    List<StoredRevision> list() throws IOException {
        List<StoredRevision> all = new ArrayList<>();
        try (DirectoryStream<Path> bsnDirs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path bsnDir : bsnDirs) {
                for (Path jar : jars(bsnDir)) {
                    Matcher m = FILE.matcher(jar.getFileName().toString());
                    if (m.matches()) {
                        all.add(new StoredRevision(bsnDir.getFileName().toString(), m.group(1), jar.toString(),
                                STAMP.parse(m.group(2), Instant::from)));
                    }
                }
            }
        }
        all.sort(Comparator.comparing(StoredRevision::savedAt).reversed());
        return all;
    }

    /** @return the newest stored jar of {@code bsn}, or {@code null} */
    Path newest(String bsn) throws IOException {
        Path bsnDir = dir.resolve(safe(bsn));
        if (!Files.isDirectory(bsnDir)) {
            return null;
        }
        List<Path> jars = jars(bsnDir);
        return jars.isEmpty() ? null : jars.get(jars.size() - 1);
    }

    void writeJournal(Map<String, String> previous) throws IOException {
        Properties p = new Properties();
        p.putAll(previous);
        Path tmp = dir.resolve("last-reload.properties.part");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "The revisions the last reload replaced: bsn = stored jar, or - when it installed the bundle");
        }
        Files.move(tmp, dir.resolve("last-reload.properties"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    Map<String, String> readJournal() throws IOException {
        Path file = dir.resolve("last-reload.properties");
        Map<String, String> result = new LinkedHashMap<>();
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            p.stringPropertyNames().stream().sorted().forEach(k -> result.put(k, p.getProperty(k)));
        }
        return result;
    }

    private void prune(Path bsnDir) throws IOException {
        List<Path> jars = jars(bsnDir);
        for (int i = 0; i < jars.size() - keep; i++) {
            Files.deleteIfExists(jars.get(i));
        }
    }

    /** @return the directory's stored jars, oldest first (by the timestamp in the name) */
    private static List<Path> jars(Path bsnDir) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(bsnDir, "*.jar")) {
            files.forEach(jars::add);
        }
        jars.sort(Comparator.comparing(p -> {
            Matcher m = FILE.matcher(p.getFileName().toString());
            return m.matches() ? m.group(2) : "";
        }));
        return jars;
    }

    private static void copyEntry(ZipOutputStream zip, String name, URL url) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        try (InputStream in = url.openStream()) {
            in.transferTo(zip);
        }
        zip.closeEntry();
    }

    static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
