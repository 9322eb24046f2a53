// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.erlmcp.itests.TestBundles;
import io.erlmcp.itests.reload.fixture.EchoFixture;
import io.erlmcp.itests.reload.fixture.FailingActivator;

/**
 * Builds the fixture bundles the reload itests swap: {@code io.erlmcp.itests.fixture.echo} in versions that
 * differ in their manifest (the reply, a failing component, a failing activator), plus jars that must be refused.
 * Each jar is written beside its target and moved into place, as an operator should.
 */
final class Fixtures {

    static final String BSN = "io.erlmcp.itests.fixture.echo";
    static final String FILTER = "(erlmcp.fixture=echo)";

    private static final String DS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="fixture.echo" immediate="true" activate="activate">
              <implementation class="%s"/>
              <service><provide interface="java.util.function.Function"/></service>
              <property name="erlmcp.fixture" value="echo"/>
            </scr:component>
            """.formatted(EchoFixture.class.getName());

    private Fixtures() {
    }

    /** A working echo bundle answering {@code v<major>:<input>}. */
    static Path echo(Path target, String version) throws IOException {
        return echo(target, version, Map.of());
    }

    /** The echo bundle whose component throws in activate. */
    static Path failingComponent(Path target, String version) throws IOException {
        return echo(target, version, Map.of("X-Fixture-Fail", "true"));
    }

    /** The echo bundle whose Bundle-Activator throws. */
    static Path failingActivator(Path target, String version) throws IOException {
        return echo(target, version, Map.of("Bundle-Activator", FailingActivator.class.getName()));
    }

    /** The echo bundle importing a package nobody exports. */
    static Path unresolvable(Path target, String version) throws IOException {
        return echo(target, version, Map.of("Import-Package", "org.osgi.framework, io.erlmcp.no.such.pkg;version=\"[9,10)\""));
    }

    /** The echo bundle whose DS descriptor is not XML. */
    static Path brokenDescriptor(Path target, String version) throws IOException {
        return write(target, headers(version, Map.of()), Map.of("OSGI-INF/echo.xml", "<scr:component oops".getBytes(StandardCharsets.UTF_8)));
    }

    static final String LIB = "io.erlmcp.itests.fixture.lib";
    static final String CONSUMER = "io.erlmcp.itests.fixture.consumer";
    static final String FIXTURE_PACKAGE = EchoFixture.class.getPackageName();

    /** A library bundle exporting the fixture package in {@code packageVersion}; no components. */
    static Path library(Path target, String version, String packageVersion) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Manifest-Version", "1.0");
        h.put("Bundle-ManifestVersion", "2");
        h.put("Bundle-SymbolicName", LIB);
        h.put("Bundle-Version", version);
        h.put("Import-Package", "org.osgi.framework");
        h.put("Export-Package", FIXTURE_PACKAGE + ";version=\"" + packageVersion + "\"");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(classFile(EchoFixture.class), classBytes(EchoFixture.class));
        entries.put(classFile(FailingActivator.class), classBytes(FailingActivator.class));
        return write(target, h, entries);
    }

    /** A bundle whose echo component (property erlmcp.fixture=consumer) uses the library's class. */
    static Path consumer(Path target, String version) throws IOException {
        Map<String, String> h = headers(version, Map.of());
        h.put("Bundle-SymbolicName", CONSUMER);
        h.put("Import-Package", "org.osgi.framework, " + FIXTURE_PACKAGE + ";version=\"[1,2)\"");
        return write(target, h, Map.of("OSGI-INF/echo.xml",
                DS.replace("value=\"echo\"", "value=\"consumer\"").replace("name=\"fixture.echo\"", "name=\"fixture.consumer\"")
                        .getBytes(StandardCharsets.UTF_8)));
    }

    /** A jar without Bundle-SymbolicName. */
    static Path notABundle(Path target) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Manifest-Version", "1.0");
        return write(target, headers, Map.of("readme.txt", "just a jar".getBytes(StandardCharsets.UTF_8)));
    }

    private static Path echo(Path target, String version, Map<String, String> extra) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("OSGI-INF/echo.xml", DS.getBytes(StandardCharsets.UTF_8));
        entries.put(classFile(EchoFixture.class), classBytes(EchoFixture.class));
        entries.put(classFile(FailingActivator.class), classBytes(FailingActivator.class));
        return write(target, headers(version, extra), entries);
    }

    private static Map<String, String> headers(String version, Map<String, String> extra) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Manifest-Version", "1.0");
        h.put("Bundle-ManifestVersion", "2");
        h.put("Bundle-SymbolicName", BSN);
        h.put("Bundle-Version", version);
        h.put("Import-Package", "org.osgi.framework");
        h.put("Service-Component", "OSGI-INF/echo.xml");
        h.put("X-Fixture-Reply", "v" + version.split("\\.")[0]);
        h.putAll(extra);
        return h;
    }

    private static Path write(Path target, Map<String, String> headers, Map<String, byte[]> entries) throws IOException {
        return TestBundles.write(target, headers, entries);
    }

    private static String classFile(Class<?> type) {
        return TestBundles.classFile(type);
    }

    private static byte[] classBytes(Class<?> type) throws IOException {
        return TestBundles.classBytes(type);
    }
}
