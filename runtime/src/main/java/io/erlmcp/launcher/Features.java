// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The feature descriptors of a distribution ({@code <home>/features/<name>.json}, the OSGi R8 Feature JSON
 * subset described in features/README.md) and the choice of features to start.
 */
final class Features {

    /** Started on every node, in this order. */
    static final List<String> DEFAULT = List.of("framework", "core", "http", "admin");
    static final int MAX_START_ORDER = 99;

    /** One feature descriptor. */
    record Feature(String name, String id, String description, List<String> requires, List<BundleRef> bundles) {
    }

    /** A bundle of a feature: Maven coordinates and its start level. */
    record BundleRef(String group, String artifact, String version, int startOrder) {

        static BundleRef parse(String id, int startOrder, String feature) throws LaunchException {
            String[] parts = id.split(":");
            if (parts.length != 3 || Stream.of(parts).anyMatch(String::isBlank)) {
                throw new LaunchException("feature " + feature + ": bundle id '" + id
                        + "' is not groupId:artifactId:version");
            }
            if (startOrder < 1 || startOrder > MAX_START_ORDER) {
                throw new LaunchException("feature " + feature + ": bundle " + id + " has start-order " + startOrder
                        + "; use 1.." + MAX_START_ORDER);
            }
            return new BundleRef(parts[0], parts[1], parts[2], startOrder);
        }

        String id() {
            return group + ":" + artifact + ":" + version;
        }

        /** The jar in a Maven-layout repository such as {@code <home>/system}. */
        Path path(Path repository) {
            return repository.resolve(group.replace('.', '/')).resolve(artifact).resolve(version)
                    .resolve(artifact + "-" + version + ".jar");
        }
    }

    private final Map<String, Feature> byName;

    private Features(Map<String, Feature> byName) {
        this.byName = byName;
    }

    /** Reads every {@code *.json} in the directory. */
    static Features load(Path dir) throws LaunchException {
        if (!Files.isDirectory(dir)) {
            throw new LaunchException("no features directory at " + dir);
        }
        ObjectMapper mapper = new ObjectMapper();
        Map<String, Feature> features = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new LaunchException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        for (Path file : files) {
            String name = file.getFileName().toString().replaceFirst("\\.json$", "");
            try {
                features.put(name, parse(name, mapper.readTree(file.toFile())));
            } catch (IOException e) {
                throw new LaunchException("cannot read feature " + file + ": " + e.getMessage(), e);
            }
        }
        return new Features(features);
    }

    static Feature parse(String name, JsonNode json) throws LaunchException {
        if (!json.path("feature-resource-version").asText().equals("1.0")) {
            throw new LaunchException("feature " + name + ": feature-resource-version must be \"1.0\"");
        }
        String id = json.path("id").asText();
        if (!id.matches("[^:]+:erlmcp-feature-" + java.util.regex.Pattern.quote(name) + ":[^:]+")) {
            throw new LaunchException("feature " + name + ": id '" + id + "' should be <group>:erlmcp-feature-"
                    + name + ":<version>");
        }
        List<String> requires = new ArrayList<>();
        for (JsonNode r : json.path("x-erlmcp-requires")) {
            requires.add(r.asText());
        }
        List<BundleRef> bundles = new ArrayList<>();
        for (JsonNode b : json.path("bundles")) {
            if (!b.hasNonNull("id") || !b.hasNonNull("start-order")) {
                throw new LaunchException("feature " + name + ": every bundle needs an id and a start-order");
            }
            bundles.add(BundleRef.parse(b.get("id").asText(), b.get("start-order").asInt(), name));
        }
        return new Feature(name, id, json.path("description").asText(""), List.copyOf(requires),
                List.copyOf(bundles));
    }

    Set<String> names() {
        return byName.keySet();
    }

    /**
     * The default features, then the extra ones (a comma-separated list, may be null or blank), each preceded
     * by what it requires.
     *
     * @throws LaunchException naming an unknown feature and the known ones
     */
    List<Feature> select(String extra) throws LaunchException {
        List<String> wanted = new ArrayList<>(DEFAULT);
        if (extra != null) {
            for (String name : extra.split(",")) {
                if (!name.isBlank()) {
                    wanted.add(name.strip());
                }
            }
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : wanted) {
            add(name, chosen, new LinkedHashSet<>());
        }
        return chosen.stream().map(byName::get).toList();
    }

    private void add(String name, Set<String> chosen, Set<String> path) throws LaunchException {
        if (chosen.contains(name)) {
            return;
        }
        Feature feature = byName.get(name);
        if (feature == null) {
            throw new LaunchException("unknown feature '" + name + "' (ERLMCP_FEATURES); known features: "
                    + String.join(", ", byName.keySet()));
        }
        if (!path.add(name)) {
            throw new LaunchException("features require each other in a cycle: " + path);
        }
        for (String required : feature.requires()) {
            add(required, chosen, path);
        }
        chosen.add(name);
    }

    /** The bundles of the features, each once, in start order (then feature order). */
    static List<BundleRef> bundles(List<Feature> features) {
        Map<String, BundleRef> unique = new LinkedHashMap<>();
        for (Feature f : features) {
            for (BundleRef b : f.bundles()) {
                unique.merge(b.id(), b, (a, c) -> a.startOrder() <= c.startOrder() ? a : c);
            }
        }
        List<BundleRef> list = new ArrayList<>(unique.values());
        list.sort(Comparator.comparingInt(BundleRef::startOrder));
        return list;
    }

    /** The jars the features name that the repository lacks, as "id (path)". */
    static List<String> missing(List<BundleRef> bundles, Path repository) {
        return bundles.stream().filter(b -> !Files.isRegularFile(b.path(repository)))
                .map(b -> b.id() + " (" + b.path(repository) + ")").toList();
    }
}
