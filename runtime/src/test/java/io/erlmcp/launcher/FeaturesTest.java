// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeaturesTest {

    @TempDir
    Path dir;

    @BeforeEach
    void write() throws IOException {
        feature("framework", null, "{\"id\":\"g:scr:1\",\"start-order\":4},{\"id\":\"g:api:1\",\"start-order\":1}");
        feature("core", null, "{\"id\":\"io.erlmcp:io.erlmcp.api:1\",\"start-order\":11}");
        feature("http", "core", "{\"id\":\"g:jetty:12\",\"start-order\":20}");
        feature("admin", "core", "{\"id\":\"g:gogo:1\",\"start-order\":30},{\"id\":\"g:scr:1\",\"start-order\":30}");
        feature("examples", "http", "");
    }

    private void feature(String name, String requires, String bundles) throws IOException {
        String req = requires == null ? "" : ",\"x-erlmcp-requires\":[\"" + requires + "\"]";
        Files.writeString(dir.resolve(name + ".json"), "{\"feature-resource-version\":\"1.0\",\"id\":\"io.erlmcp:"
                + "erlmcp-feature-" + name + ":1\"" + req + ",\"bundles\":[" + bundles + "]}");
    }

    @Test
    void defaultSetComesFirstInOrder() throws LaunchException {
        assertThat(Features.load(dir).select(null)).extracting(Features.Feature::name)
                .containsExactly("framework", "core", "http", "admin");
    }

    @Test
    void extraFeaturesAreAddedOnce() throws LaunchException {
        assertThat(Features.load(dir).select(" examples , core,")).extracting(Features.Feature::name)
                .containsExactly("framework", "core", "http", "admin", "examples");
    }

    @Test
    void unknownFeatureIsAClearError() {
        assertThatThrownBy(() -> Features.load(dir).select("exmaples")).isInstanceOf(LaunchException.class)
                .hasMessageContaining("unknown feature 'exmaples'").hasMessageContaining("examples");
    }

    @Test
    void bundlesAreUniqueAndSortedByStartOrder() throws LaunchException {
        List<Features.BundleRef> bundles = Features.bundles(Features.load(dir).select(null));
        assertThat(bundles).extracting(Features.BundleRef::id)
                .containsExactly("g:api:1", "g:scr:1", "io.erlmcp:io.erlmcp.api:1", "g:jetty:12", "g:gogo:1");
        assertThat(bundles.get(1).startOrder()).isEqualTo(4);
    }

    @Test
    void bundlePathIsMavenLayout() {
        Features.BundleRef ref = new Features.BundleRef("org.apache.felix", "org.apache.felix.scr", "2.2.18", 4);
        assertThat(ref.path(Path.of("/h/system"))).isEqualTo(
                Path.of("/h/system/org/apache/felix/org.apache.felix.scr/2.2.18/org.apache.felix.scr-2.2.18.jar"));
    }

    @Test
    void badBundleIdsAndStartOrdersAreRejected() throws IOException {
        feature("bad", null, "{\"id\":\"g:a\",\"start-order\":1}");
        assertThatThrownBy(() -> Features.load(dir)).hasMessageContaining("not groupId:artifactId:version");
        feature("bad", null, "{\"id\":\"g:a:1\",\"start-order\":100}");
        assertThatThrownBy(() -> Features.load(dir)).hasMessageContaining("start-order 100");
    }

    @Test
    void missingJarsAreListed() throws Exception {
        Features.BundleRef ref = new Features.BundleRef("g", "a", "1", 1);
        assertThat(Features.missing(List.of(ref), dir)).singleElement().asString().startsWith("g:a:1 (");
        Files.createDirectories(ref.path(dir).getParent());
        Files.createFile(ref.path(dir));
        assertThat(Features.missing(List.of(ref), dir)).isEmpty();
    }
}
