// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the launcher was asked to run: the distribution, the instance directory, the mode and the framework
 * properties, assembled from (lowest first) built-in defaults, {@code <base>/etc/erlmcp.properties}, the
 * environment ({@code ERLMCP_*}) and {@code -Derlmcp.*} system properties. Values may refer to other properties
 * and to system properties as {@code ${name}}.
 */
final class Settings {

    enum Mode {
        CONSOLE, DAEMON, STDIO;

        static Mode of(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT));
        }

        String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Environment variable to framework property. */
    static final Map<String, String> ENVIRONMENT = Map.of(
            "ERLMCP_HTTP_PORT", "erlmcp.http.port",
            "ERLMCP_METRICS_PORT", "erlmcp.metrics.port",
            "ERLMCP_TCP_PORT", "erlmcp.tcp.port",
            "ERLMCP_HTTPS_PORT", "erlmcp.https.port",
            "ERLMCP_TLS_KEYSTORE", "erlmcp.tls.keystore",
            "ERLMCP_FEATURES", "erlmcp.features",
            "ERLMCP_NODE_NAME", "erlmcp.node.name");

    /** Listener ports a stdio node opens on any free port unless told otherwise. */
    static final List<String> STDIO_FREE_PORTS = List.of("erlmcp.http.port", "erlmcp.https.port", "erlmcp.tcp.port",
            "erlmcp.metrics.port");

    private static String variableOf(String property) {
        return ENVIRONMENT.entrySet().stream().filter(e -> e.getValue().equals(property)).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]+)}");

    final Path home;
    final Path base;
    final Mode mode;
    final String version;
    final Map<String, String> properties;

    private Settings(Path home, Path base, Mode mode, String version, Map<String, String> properties) {
        this.home = home;
        this.base = base;
        this.mode = mode;
        this.version = version;
        this.properties = properties;
    }

    /** The distribution and instance directories, before the instance is prepared. */
    static Path[] locations(Map<String, String> env, Properties system) throws LaunchException {
        String home = system.getProperty("erlmcp.home", env.get("ERLMCP_HOME"));
        if (home == null || home.isBlank()) {
            throw new LaunchException("ERLMCP_HOME is not set (bin/erlmcp sets it to the distribution directory)");
        }
        Path homePath = Path.of(home).toAbsolutePath().normalize();
        String base = system.getProperty("erlmcp.base", env.get("ERLMCP_BASE"));
        Path basePath = base == null || base.isBlank() ? homePath : Path.of(base).toAbsolutePath().normalize();
        return new Path[] {homePath, basePath};
    }

    /** Builds the framework properties; the instance directory must be prepared (etc/ present). */
    static Settings load(Path home, Path base, Mode mode, Map<String, String> env, Properties system)
            throws LaunchException {
        String version = version();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("erlmcp.http.port", "8080");
        p.put("erlmcp.metrics.port", "9090");
        p.put("erlmcp.tcp.port", "9000");
        p.put("erlmcp.node.name", "erlmcp");
        p.put("erlmcp.features", "");
        p.put("gosh.args", mode == Mode.CONSOLE ? "" : "--nointeractive --noshutdown");
        p.putAll(read(base.resolve("etc/erlmcp.properties")));
        ENVIRONMENT.forEach((variable, property) -> {
            String value = env.get(variable);
            if (value != null) {
                p.put(property, value);
            }
        });
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("erlmcp.")) {
                p.put(name, system.getProperty(name));
            }
        }
        if (mode == Mode.STDIO) {
            // A stdio node serves its one client on stdin/stdout; its network listeners take any free port unless
            // the environment names one, so that several stdio nodes (one per desktop client) never collide.
            for (String port : STDIO_FREE_PORTS) {
                String variable = variableOf(port);
                if (env.get(variable) == null && system.getProperty(port) == null) {
                    p.put(port, "0");
                }
            }
        }
        p.put("erlmcp.version", version);
        p.put("erlmcp.home", home.toString());
        p.put("erlmcp.base", base.toString());
        p.put("erlmcp.mode", mode.id());
        p.put("erlmcp.start.time", Long.toString(ManagementFactory.getRuntimeMXBean().getStartTime()));
        return new Settings(home, base, mode, version, substitute(p, system, "etc/erlmcp.properties"));
    }

    /** The release version from the launcher jar's manifest. */
    static String version() {
        String v = Settings.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Reads a properties file (UTF-8); a missing file is empty. */
    static Map<String, String> read(Path file) throws LaunchException {
        Map<String, String> map = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return map;
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new LaunchException("cannot read " + file + ": " + e.getMessage(), e);
        }
        for (String name : props.stringPropertyNames()) {
            map.put(name, props.getProperty(name).strip());
        }
        return map;
    }

    /**
     * Expands {@code ${name}} in every value from the map itself or the system properties.
     *
     * @throws LaunchException on an unknown name or a cycle, naming the key and the source
     */
    static Map<String, String> substitute(Map<String, String> map, Properties system, String source)
            throws LaunchException {
        Map<String, String> result = new LinkedHashMap<>();
        for (String key : map.keySet()) {
            result.put(key, expand(key, map, system, source, new java.util.HashSet<>()));
        }
        return result;
    }

    private static String expand(String key, Map<String, String> map, Properties system, String source,
            java.util.Set<String> seen) throws LaunchException {
        if (!seen.add(key)) {
            throw new LaunchException(source + ": ${" + key + "} refers to itself");
        }
        String value = map.containsKey(key) ? map.get(key) : system.getProperty(key);
        if (value == null) {
            return null;
        }
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = expand(name, map, system, source, seen);
            if (replacement == null) {
                throw new LaunchException(source + ": " + key + " refers to ${" + name + "}, which is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        seen.remove(key);
        return out.toString();
    }
}
