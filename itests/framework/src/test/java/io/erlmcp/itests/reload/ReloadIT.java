// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.reload;

import static io.erlmcp.itests.reload.ReloadSupport.candidates;
import static io.erlmcp.itests.reload.ReloadSupport.fixtures;
import static io.erlmcp.itests.reload.ReloadSupport.install;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.erlmcp.drain.RequestGate;
import io.erlmcp.itests.reload.ReloadSupport.EchoClient;
import io.erlmcp.reload.PrepareReport;
import io.erlmcp.reload.PreparedBundle;
import io.erlmcp.reload.ReloadReport;
import io.erlmcp.reload.ReloadReport.Outcome;
import io.erlmcp.reload.ReloadService;
import io.erlmcp.reload.ReloadStatus;

/** Two-phase reload through the Java API, with the echo fixture (v1, v2, broken v3) as the tool under reload. */
@ExtendWith({ BundleContextExtension.class, ServiceExtension.class })
class ReloadIT {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    ReloadService reload;

    @InjectService(timeout = 5000)
    RequestGate gate;

    @TempDir
    Path dir;

    @AfterEach
    void removeFixtures() throws Exception {
        reload.cancel();
        ReloadSupport.removeFixtures();
    }

    @Test
    void prepareChecksWithoutTouchingTheLiveRevisionAndFinishSwaps() throws Exception {
        install(reload, Fixtures.echo(dir.resolve("v1.jar"), "1.0.0"));
        Bundle live = fixtures(context).get(0);
        try (EchoClient client = new EchoClient(context, gate)) {
            assertThat(client.awaitCall("a")).isEqualTo("v1:a");

            PrepareReport report = reload.prepare(List.of(Fixtures.echo(dir.resolve("v2.jar"), "2.0.0").toString()));
            assertThat(report.ok()).as(report.problems().toString()).isTrue();
            PreparedBundle p = report.bundles().get(0);
            assertThat(p.symbolicName()).isEqualTo(Fixtures.BSN);
            assertThat(p.fromVersion()).isEqualTo("1.0.0");
            assertThat(p.toVersion()).isEqualTo("2.0.0");
            assertThat(p.bundleId()).isEqualTo(live.getBundleId());
            assertThat(p.componentsKept()).containsExactly("fixture.echo");
            assertThat(p.dependents()).isEmpty();
            // nothing changed on the live side, and the candidate is gone
            assertThat(client.call("b")).isEqualTo("v1:b");
            assertThat(fixtures(context)).containsExactly(live);
            assertThat(live.getState()).isEqualTo(Bundle.ACTIVE);
            assertThat(candidates(context)).isEmpty();
            assertThat(reload.status().phase()).isEqualTo(ReloadStatus.Phase.PREPARED);

            ReloadReport swapped = reload.finish(Duration.ofSeconds(5));
            assertThat(swapped.outcome()).as(swapped.messages().toString()).isEqualTo(Outcome.SWAPPED);
            assertThat(client.call("c")).isEqualTo("v2:c");
            assertThat(fixtures(context)).as("updated in place, no second copy").containsExactly(live);
            assertThat(live.getVersion().toString()).isEqualTo("2.0.0");
            ReloadStatus status = reload.status();
            assertThat(status.phase()).isEqualTo(ReloadStatus.Phase.IDLE);
            assertThat(status.stored()).anySatisfy(s -> {
                assertThat(s.symbolicName()).isEqualTo(Fixtures.BSN);
                assertThat(s.version()).isEqualTo("1.0.0");
                assertThat(Path.of(s.file())).exists();
            });
        }
    }

    @Test
    void everyCallAnswersDuringTheSwapV1ThenV2() throws Exception {
        install(reload, Fixtures.echo(dir.resolve("v1.jar"), "1.0.0"));
        Path v2 = Fixtures.echo(dir.resolve("v2.jar"), "2.0.0");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (EchoClient client = new EchoClient(context, gate)) {
            client.awaitCall("warm");
            List<Future<List<String>>> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                clients.add(pool.submit(() -> {
                    List<String> replies = new ArrayList<>();
                    while (!stop.get()) {
                        try {
                            replies.add(client.call("x"));
                        } catch (Throwable t) {
                            failures.add(t);
                        }
                    }
                    return replies;
                }));
            }
            Thread.sleep(100);
            assertThat(reload.prepare(List.of(v2.toString())).ok()).isTrue();
            ReloadReport report = reload.finish(Duration.ofSeconds(5));
            assertThat(report.outcome()).as(report.messages().toString()).isEqualTo(Outcome.SWAPPED);
            Thread.sleep(100);
            stop.set(true);
            for (Future<List<String>> f : clients) {
                List<String> replies = f.get(10, TimeUnit.SECONDS);
                assertThat(replies).contains("v1:x", "v2:x");
                int firstV2 = replies.indexOf("v2:x");
                assertThat(replies.subList(0, firstV2)).containsOnly("v1:x");
                assertThat(replies.subList(firstV2, replies.size())).containsOnly("v2:x");
            }
            assertThat(failures).isEmpty();
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    @Test
    void aComponentThatThrowsIsRolledBackAutomatically() throws Exception {
        install(reload, Fixtures.echo(dir.resolve("v1.jar"), "1.0.0"));
        install(reload, Fixtures.echo(dir.resolve("v2.jar"), "2.0.0"));
        try (EchoClient client = new EchoClient(context, gate)) {
            PrepareReport prepared = reload.prepare(List.of(Fixtures.failingComponent(dir.resolve("v3.jar"), "3.0.0").toString()));
            assertThat(prepared.ok()).as("a throwing activate is only visible at run time").isTrue();
            ReloadReport report = reload.finish(Duration.ofSeconds(5));
            assertThat(report.outcome()).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(String.join("\n", report.messages())).contains("failed to activate").contains("rolled back");
            assertThat(client.call("y")).isEqualTo("v2:y");
            assertThat(fixtures(context)).singleElement().satisfies(b -> {
                assertThat(b.getVersion().toString()).isEqualTo("2.0.0");
                assertThat(b.getState()).isEqualTo(Bundle.ACTIVE);
            });
            assertThat(reload.status().last().outcome()).isEqualTo(Outcome.ROLLED_BACK);
        }
    }

    @Test
    void anActivatorThatThrowsIsRolledBackAutomatically() throws Exception {
        install(reload, Fixtures.echo(dir.resolve("v2.jar"), "2.0.0"));
        try (EchoClient client = new EchoClient(context, gate)) {
            assertThat(reload.prepare(List.of(Fixtures.failingActivator(dir.resolve("v3.jar"), "3.0.0").toString())).ok())
                    .isTrue();
            ReloadReport report = reload.finish(Duration.ofSeconds(5));
            assertThat(report.outcome()).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(String.join("\n", report.messages())).contains("starting " + Fixtures.BSN + " failed");
            assertThat(client.awaitCall("z")).isEqualTo("v2:z");
        }
    }

    @Test
    void brokenJarsAreRefusedAtPrepareAndTheLiveVersionStays() throws Exception {
        install(reload, Fixtures.echo(dir.resolve("v1.jar"), "1.0.0"));
        Bundle live = fixtures(context).get(0);

        PrepareReport notBundle = reload.prepare(List.of(Fixtures.notABundle(dir.resolve("plain.jar")).toString()));
        assertThat(notBundle.ok()).isFalse();
        assertThat(notBundle.problems()).singleElement().asString().contains("not a bundle");

        PrepareReport unresolvable = reload.prepare(List.of(Fixtures.unresolvable(dir.resolve("u.jar"), "2.0.0").toString()));
        assertThat(unresolvable.ok()).isFalse();
        assertThat(unresolvable.problems()).singleElement().asString().contains("does not resolve")
                .contains("io.erlmcp.no.such.pkg");

        PrepareReport badXml = reload.prepare(List.of(Fixtures.brokenDescriptor(dir.resolve("x.jar"), "2.0.0").toString()));
        assertThat(badXml.ok()).isFalse();
        assertThat(badXml.problems()).singleElement().asString().contains("does not parse");

        assertThat(reload.status().phase()).isEqualTo(ReloadStatus.Phase.IDLE);
        assertThatThrownBy(() -> reload.finish(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reload:prepare");
        assertThat(fixtures(context)).containsExactly(live);
        assertThat(live.getVersion().toString()).isEqualTo("1.0.0");
        assertThat(live.getState()).isEqualTo(Bundle.ACTIVE);
        assertThat(candidates(context)).isEmpty();
    }

    @Test
    void aSameVersionRebuildIsCheckedBesideTheLiveOne() throws Exception {
        install(reload, Fixtures.echo(dir.resolve("v1.jar"), "1.0.0"));
        PrepareReport report = reload.prepare(List.of(Fixtures.echo(dir.resolve("v1b.jar"), "1.0.0").toString()));
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
        assertThat(candidates(context)).isEmpty();
    }

    @Test
    void rollbackRestoresThePreviousRevisionOnDemand() throws Exception {
        install(reload, Fixtures.echo(dir.resolve("v1.jar"), "1.0.0"));
        install(reload, Fixtures.echo(dir.resolve("v2.jar"), "2.0.0"));
        try (EchoClient client = new EchoClient(context, gate)) {
            assertThat(client.call("r")).isEqualTo("v2:r");
            ReloadReport report = reload.rollback(List.of());
            assertThat(report.outcome()).as(report.messages().toString()).isEqualTo(Outcome.SWAPPED);
            assertThat(client.call("r")).isEqualTo("v1:r");
            assertThat(fixtures(context)).singleElement().satisfies(b -> assertThat(b.getVersion().toString()).isEqualTo("1.0.0"));
        }
    }

    @Test
    void prepareReportsTheDependentsARefreshWouldRestartAndPackagesTheyWouldLose() throws Exception {
        PrepareReport both = reload.prepare(List.of(Fixtures.library(dir.resolve("lib-1.jar"), "1.0.0", "1.0.0").toString(),
                Fixtures.consumer(dir.resolve("consumer-1.jar"), "1.0.0").toString()));
        assertThat(both.ok()).as("a new library and its consumer, prepared together: " + both.problems()).isTrue();
        ReloadReport installed = reload.finish(Duration.ofSeconds(5));
        assertThat(installed.outcome()).as(installed.messages().toString()).isEqualTo(Outcome.SWAPPED);
        Bundle consumer = ReloadSupport.bundle(context, Fixtures.CONSUMER);
        assertThat(consumer.getState()).isEqualTo(Bundle.ACTIVE);

        PrepareReport compatible = reload.prepare(
                List.of(Fixtures.library(dir.resolve("lib-1.1.jar"), "1.1.0", "1.0.0").toString()));
        assertThat(compatible.ok()).as(compatible.problems().toString()).isTrue();
        assertThat(compatible.bundles().get(0).dependents()).containsExactly(Fixtures.CONSUMER);
        ReloadReport swapped = reload.finish(Duration.ofSeconds(5));
        assertThat(swapped.outcome()).as(swapped.messages().toString()).isEqualTo(Outcome.SWAPPED);
        assertThat(consumer.getState()).as("restarted by the refresh").isEqualTo(Bundle.ACTIVE);
        assertThat(context.getServiceReferences(java.util.function.Function.class, "(erlmcp.fixture=consumer)"))
                .hasSize(1);

        PrepareReport breaking = reload.prepare(
                List.of(Fixtures.library(dir.resolve("lib-2.jar"), "2.0.0", "2.0.0").toString()));
        assertThat(breaking.ok()).isFalse();
        assertThat(breaking.problems()).singleElement().asString().contains(Fixtures.CONSUMER + " imports")
                .contains(Fixtures.FIXTURE_PACKAGE).contains("which the new revision does not export");
        assertThat(ReloadSupport.bundle(context, Fixtures.LIB).getVersion().toString()).isEqualTo("1.1.0");
    }

    @Test
    void prepareSendsNoServiceOrBundleEventForTheLiveBundle() throws Exception {
        install(reload, Fixtures.echo(dir.resolve("v1.jar"), "1.0.0"));
        Bundle live = fixtures(context).get(0);
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.osgi.framework.ServiceListener services = e -> events.add("service " + e.getType());
        org.osgi.framework.BundleListener bundles = e -> {
            if (e.getBundle().equals(live)) {
                events.add("bundle " + e.getType());
            }
        };
        context.addServiceListener(services, Fixtures.FILTER);
        context.addBundleListener(bundles);
        try {
            assertThat(reload.prepare(List.of(Fixtures.echo(dir.resolve("v2.jar"), "2.0.0").toString())).ok()).isTrue();
        } finally {
            context.removeServiceListener(services);
            context.removeBundleListener(bundles);
        }
        assertThat(events).isEmpty();
        assertThat(live.getState()).isEqualTo(Bundle.ACTIVE);
    }

    @Test
    void finishRefusesABundleThatChangedSincePrepare() throws Exception {
        install(reload, Fixtures.echo(dir.resolve("v1.jar"), "1.0.0"));
        assertThat(reload.prepare(List.of(Fixtures.echo(dir.resolve("v2.jar"), "2.0.0").toString())).ok()).isTrue();
        Thread.sleep(5); // lastModified has millisecond resolution
        install(reload, Fixtures.echo(dir.resolve("v1b.jar"), "1.1.0")); // replaces the prepared set
        assertThat(reload.status().phase()).isEqualTo(ReloadStatus.Phase.IDLE);

        assertThat(reload.prepare(List.of(Fixtures.echo(dir.resolve("v2.jar"), "2.0.0").toString())).ok()).isTrue();
        Thread.sleep(5);
        try (java.io.InputStream in = Files.newInputStream(Fixtures.echo(dir.resolve("v1c.jar"), "1.2.0"))) {
            fixtures(context).get(0).update(in); // someone else changed it behind the prepared set
        }
        assertThatThrownBy(() -> reload.finish(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("changed since reload:prepare");
        assertThat(fixtures(context).get(0).getVersion().toString()).isEqualTo("1.2.0");
    }

    @Test
    void badTargetsAreRejectedWithAMessage() {
        assertThatThrownBy(() -> reload.prepare(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reload.prepare(List.of("no.such.bundle"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no.such.bundle");
        assertThat(Files.exists(dir)).isTrue();
    }
}
