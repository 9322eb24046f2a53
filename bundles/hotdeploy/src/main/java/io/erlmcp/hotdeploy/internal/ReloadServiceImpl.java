// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.hotdeploy.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.bundle.CollisionHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.drain.RequestGate;
import io.erlmcp.health.HealthService;
import io.erlmcp.health.HealthStatus;
import io.erlmcp.reload.PrepareReport;
import io.erlmcp.reload.PreparedBundle;
import io.erlmcp.reload.ReloadReport;
import io.erlmcp.reload.ReloadReport.Outcome;
import io.erlmcp.reload.ReloadService;
import io.erlmcp.reload.ReloadStatus;
import io.erlmcp.reload.ReloadStatus.Phase;

/**
 * The {@link ReloadService} and the {@code deploy/} watcher that uses it. Immediate because it owns the watcher
 * thread.
 */
@Component(service = ReloadService.class, configurationPid = ReloadServiceImpl.PID, immediate = true)
@Designate(ocd = ReloadServiceImpl.Config.class)
public class ReloadServiceImpl implements ReloadService {

    static final String PID = "io.erlmcp.hotdeploy";
    static final String CANDIDATE_LOCATION = "erlmcp-reload-candidate:";

    @ObjectClassDefinition(name = "erlmcp hot deploy", description = "deploy/ watcher and two-phase reload")
    public @interface Config {
        @AttributeDefinition(name = "Deploy directory",
                description = "Watched for bundle jars and .cfg files; empty: <erlmcp.base>/deploy, off without erlmcp.base")
        String deploy_dir() default "";

        @AttributeDefinition(name = "Data directory",
                description = "Previous revisions and staged jars; empty: <erlmcp.base>/data/reload, else the bundle's data area")
        String data_dir() default "";

        @AttributeDefinition(name = "Poll interval (ms)", description = "How often deploy/ is scanned")
        long poll_ms() default 1000;

        @AttributeDefinition(name = "Drain timeout (ms)",
                description = "How long a swap waits for calls in flight when no drain is active")
        long drain_timeout_ms() default 5000;

        @AttributeDefinition(name = "Settle timeout (ms)",
                description = "How long a swap waits for the reloaded bundles' components to become satisfied")
        long settle_timeout_ms() default 10000;

        @AttributeDefinition(name = "Revisions kept", description = "Previous revisions kept per bundle")
        int keep_revisions() default 5;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReloadServiceImpl.class);
    private static final int MAX_EVENTS = 50;

    /** A checked revision ready to swap in. */
    record Candidate(PreparedBundle info, Path staged, Bundle live, String location, long liveModified) {
    }

    /** One step of a swap: update {@code live} from {@code jar}, install {@code jar} (no live), or uninstall (no jar). */
    record SwapItem(String bsn, Bundle live, Path jar, String location) {
    }

    private final BundleContext context;
    private final FrameworkWiring frameworkWiring;
    private final RequestGate gate;
    private final ServiceComponentRuntime scr;
    private final CandidateHooks hooks;
    private final RevisionStore store;
    private final Path staging;
    private final Duration drainTimeout;
    private final Duration settleTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<String> events = new ArrayDeque<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final DeployWatcher watcher;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile HealthService health;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ConfigurationAdmin configAdmin;

    private volatile List<Candidate> prepared = List.of();
    private volatile Phase phase = Phase.IDLE;
    private volatile ReloadReport last;

    @Activate
    public ReloadServiceImpl(BundleContext context, @Reference RequestGate gate,
            @Reference ServiceComponentRuntime scr, Config config) throws IOException {
        this.context = context;
        this.gate = gate;
        this.scr = scr;
        this.frameworkWiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        this.drainTimeout = Duration.ofMillis(config.drain_timeout_ms());
        this.settleTimeout = Duration.ofMillis(config.settle_timeout_ms());
        String base = context.getProperty("erlmcp.base");
        Path data = !config.data_dir().isBlank() ? Path.of(config.data_dir())
                : base != null && !base.isBlank() ? Path.of(base, "data", "reload")
                : context.getDataFile("reload").toPath();
        this.store = new RevisionStore(data, config.keep_revisions());
        this.staging = Files.createDirectories(data.resolve("staging"));
        this.hooks = new CandidateHooks(context.getBundle().getBundleId());
        registrations.add(context.registerService(ResolverHookFactory.class, hooks, null));
        registrations.add(context.registerService(CollisionHook.class, hooks, null));
        Path deploy = !config.deploy_dir().isBlank() ? Path.of(config.deploy_dir())
                : base != null && !base.isBlank() ? Path.of(base, "deploy") : null;
        if (deploy == null) {
            LOG.info("No deploy directory (no erlmcp.base and no deploy.dir); hot deploy is off");
            this.watcher = null;
        } else {
            this.watcher = new DeployWatcher(this, Files.createDirectories(deploy), config.poll_ms());
            watcher.start();
        }
    }

    @Deactivate
    void deactivate() {
        if (watcher != null) {
            watcher.close();
        }
        registrations.forEach(ServiceRegistration::unregister);
    }

    // ---- ReloadService

    @Override
    public PrepareReport prepare(List<String> targets) {
        if (targets == null || targets.isEmpty()) {
            throw new IllegalArgumentException("name at least one bundle (symbolic name or id) or jar to prepare");
        }
        lock.lock();
        try {
            discardStaged(prepared);
            prepared = List.of();
            phase = Phase.IDLE;
            List<String> problems = new ArrayList<>();
            List<Candidate> candidates = check(targets, problems);
            List<PreparedBundle> infos = candidates.stream().map(Candidate::info).toList();
            if (problems.isEmpty()) {
                prepared = candidates;
                phase = Phase.PREPARED;
                event("prepared " + describe(infos));
            } else {
                discardStaged(candidates);
                event("prepare refused: " + String.join("; ", problems));
            }
            return new PrepareReport(problems.isEmpty(), infos, problems);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ReloadReport finish(Duration drain) {
        lock.lock();
        try {
            List<Candidate> set = prepared;
            if (set.isEmpty()) {
                throw new IllegalStateException("nothing is prepared: run reload:prepare first");
            }
            prepared = List.of();
            for (Candidate c : set) {
                if (c.live() != null && (c.live().getState() == Bundle.UNINSTALLED
                        || c.live().getLastModified() != c.liveModified())) {
                    discardStaged(set);
                    phase = Phase.IDLE;
                    throw new IllegalStateException(c.info().symbolicName()
                            + " changed since reload:prepare (updated or uninstalled); prepare again");
                }
            }
            try {
                return swapIn(set, drain == null ? drainTimeout : drain, true);
            } finally {
                discardStaged(set);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ReloadReport rollback(List<String> symbolicNames) {
        lock.lock();
        try {
            Map<String, String> previous = new LinkedHashMap<>();
            Map<String, String> journal = store.readJournal();
            if (symbolicNames == null || symbolicNames.isEmpty()) {
                if (journal.isEmpty()) {
                    throw new IllegalStateException("no reload to roll back: " + store.dir() + " has no journal");
                }
                previous.putAll(journal);
            } else {
                for (String bsn : symbolicNames) {
                    String fromJournal = journal.get(bsn);
                    Path newest = store.newest(bsn);
                    if (fromJournal != null) {
                        previous.put(bsn, fromJournal);
                    } else if (newest != null) {
                        previous.put(bsn, newest.toString());
                    } else {
                        throw new IllegalStateException("no stored revision of " + bsn + " in " + store.dir());
                    }
                }
            }
            List<SwapItem> items = new ArrayList<>();
            for (Map.Entry<String, String> e : previous.entrySet()) {
                Bundle live = find(e.getKey());
                if (RevisionStore.NOT_INSTALLED.equals(e.getValue())) {
                    if (live != null) {
                        items.add(new SwapItem(e.getKey(), live, null, null));
                    }
                } else {
                    Path jar = Path.of(e.getValue());
                    if (!Files.isRegularFile(jar)) {
                        throw new IllegalStateException("the stored revision " + jar + " is gone");
                    }
                    items.add(new SwapItem(e.getKey(), live, jar, jar.toUri().toString()));
                }
            }
            if (items.isEmpty()) {
                throw new IllegalStateException("nothing to roll back: " + previous.keySet() + " already as stored");
            }
            event("rollback requested for " + previous.keySet());
            return swap(items, true, drainTimeout, "rollback");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the stored revisions: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ReloadStatus cancel() {
        lock.lock();
        try {
            discardStaged(prepared);
            prepared = List.of();
            phase = Phase.IDLE;
            return status();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ReloadStatus status() {
        List<io.erlmcp.reload.StoredRevision> stored;
        try {
            stored = store.list();
        } catch (IOException e) {
            LOG.warn("Cannot list stored revisions in {}: {}", store.dir(), e.toString());
            stored = List.of();
        }
        List<String> recent;
        synchronized (events) {
            recent = List.copyOf(events);
        }
        return new ReloadStatus(phase, prepared.stream().map(Candidate::info).toList(), last, stored, recent);
    }

    // ---- used by the deploy watcher

    /** Installs or updates the bundle in {@code jar} through the same check and swap as the shell. */
    void deploy(Path jar, boolean firstScan) {
        lock.lock();
        try {
            String name = jar.getFileName().toString();
            String location = jar.toUri().toString();
            for (Bundle b : firstScan ? context.getBundles() : new Bundle[0]) {
                if (location.equals(b.getLocation()) && b.getLastModified() >= Files.getLastModifiedTime(jar).toMillis()) {
                    return; // installed from this very file already (the watcher restarted, not the node)
                }
            }
            List<String> problems = new ArrayList<>();
            List<Candidate> candidates = check(List.of(jar.toString()), problems);
            try {
                if (!problems.isEmpty()) {
                    LOG.warn("Refused deploy/{}: {}; the running version stays", name, String.join("; ", problems));
                    event("refused deploy/" + name + ": " + String.join("; ", problems));
                    return;
                }
                // The first scan after a start re-installs what deploy/ held before: not a reload to roll back.
                ReloadReport report = swapIn(candidates, drainTimeout, !firstScan);
                if (report.outcome() == Outcome.SWAPPED) {
                    LOG.info("Deployed deploy/{}: {}", name, report.bundles());
                    event("deployed deploy/" + name + ": " + report.bundles());
                } else {
                    LOG.warn("Refused deploy/{}: {}; the running version stays", name, report.messages());
                    event("refused deploy/" + name + " (" + report.outcome() + "): " + report.messages());
                }
            } finally {
                discardStaged(candidates);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Refused deploy/{}: {}", jar.getFileName(), e.toString());
            event("refused deploy/" + jar.getFileName() + ": " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /** Uninstalls the bundle that {@code jar} installed, if it is still installed from there. */
    void undeploy(Path jar) {
        lock.lock();
        try {
            String location = jar.toUri().toString();
            for (Bundle b : context.getBundles()) {
                if (location.equals(b.getLocation())) {
                    ReloadReport report = swap(List.of(new SwapItem(b.getSymbolicName(), b, null, null)), false,
                            drainTimeout, "undeploy");
                    event("undeployed deploy/" + jar.getFileName() + ": " + report.outcome() + " " + report.bundles());
                    LOG.info("Undeployed deploy/{}: {}", jar.getFileName(), report.bundles());
                    return;
                }
            }
            event("deploy/" + jar.getFileName() + " removed; the bundle it updated was not installed from deploy/ and stays");
        } catch (RuntimeException e) {
            LOG.warn("Undeploying deploy/{} failed: {}", jar.getFileName(), e.toString());
            event("undeploy of deploy/" + jar.getFileName() + " failed: " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    ConfigurationAdmin configAdmin() {
        return configAdmin;
    }

    void event(String text) {
        synchronized (events) {
            events.addLast(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + text);
            while (events.size() > MAX_EVENTS) {
                events.removeFirst();
            }
        }
    }

    // ---- phase 1: check candidates beside the live revisions

    private List<Candidate> check(List<String> targets, List<String> problems) {
        List<Candidate> result = new ArrayList<>();
        Map<Bundle, Candidate> installed = new LinkedHashMap<>();
        try {
            for (String target : targets) {
                Source source = source(target);
                Path staged = staging.resolve(UUID.randomUUID() + ".jar");
                try (InputStream in = source.open()) {
                    Files.copy(in, staged);
                } catch (IOException e) {
                    problems.add(target + ": cannot read " + source.description + ": " + e.getMessage());
                    continue;
                }
                String bsn;
                String version;
                try (JarFile jar = new JarFile(staged.toFile())) {
                    Manifest mf = jar.getManifest();
                    Attributes main = mf == null ? new Attributes() : mf.getMainAttributes();
                    bsn = main.getValue(Constants.BUNDLE_SYMBOLICNAME);
                    version = main.getValue(Constants.BUNDLE_VERSION);
                } catch (IOException e) {
                    problems.add(target + ": not a jar (" + e.getMessage() + ")");
                    Files.deleteIfExists(staged);
                    continue;
                }
                if (bsn == null || bsn.isBlank()) {
                    problems.add(target + ": not a bundle (no Bundle-SymbolicName in its manifest)");
                    Files.deleteIfExists(staged);
                    continue;
                }
                bsn = bsn.split(";")[0].trim();
                Bundle live = source.live != null ? source.live : find(bsn);
                if (live != null && live.getBundleId() == 0) {
                    problems.add(target + ": the system bundle cannot be reloaded; restart the node");
                    Files.deleteIfExists(staged);
                    continue;
                }
                String location = live != null ? live.getLocation() : source.newLocation;
                Bundle candidate;
                hooks.beginInstall();
                try (InputStream in = Files.newInputStream(staged)) {
                    candidate = context.installBundle(CANDIDATE_LOCATION + UUID.randomUUID(), in);
                    hooks.add(candidate);
                } catch (BundleException e) {
                    problems.add(bsn + ": refused by the framework: " + e.getMessage());
                    Files.deleteIfExists(staged);
                    continue;
                } finally {
                    hooks.endInstall();
                }
                Candidate c = new Candidate(new PreparedBundle(bsn, live == null ? null : live.getVersion().toString(),
                        version == null ? "0.0.0" : version, live == null ? -1 : live.getBundleId(),
                        source.description, List.of(), List.of(), List.of(), List.of(), List.of()), staged, live,
                        location, live == null ? 0 : live.getLastModified());
                installed.put(candidate, c);
            }
            if (!installed.isEmpty()) {
                frameworkWiring.resolveBundles(installed.keySet());
            }
            for (Map.Entry<Bundle, Candidate> e : installed.entrySet()) {
                Candidate checked = inspect(e.getKey(), e.getValue());
                checked.info().problems().forEach(p -> problems.add(checked.info().symbolicName() + ": " + p));
                result.add(checked);
            }
        } catch (IOException e) {
            problems.add("staging failed: " + e.getMessage());
        } finally {
            removeCandidates(installed.keySet());
        }
        return result;
    }

    private Candidate inspect(Bundle candidate, Candidate c) {
        List<String> problems = new ArrayList<>();
        BundleRevision revision = candidate.adapt(BundleRevision.class);
        boolean fragment = (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
        boolean resolved = (candidate.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE)) != 0;
        if (!resolved && !fragment) {
            List<String> missing = unmet(revision);
            problems.add("does not resolve against the running framework"
                    + (missing.isEmpty() ? "" : ": missing " + String.join(", ", missing)));
        }
        List<Descriptors.Component> components = Descriptors.read(candidate, problems);
        if (resolved) {
            for (Descriptors.Component comp : components) {
                loadable(candidate, comp.implementation(), "DS component " + comp.name(), problems);
                comp.provides().forEach(p -> loadable(candidate, p, "DS component " + comp.name() + " service", problems));
            }
            String activator = candidate.getHeaders("").get(Constants.BUNDLE_ACTIVATOR);
            if (activator != null) {
                loadable(candidate, activator.trim(), "Bundle-Activator", problems);
            }
        }
        List<String> dependents = new ArrayList<>();
        Set<String> added = new TreeSet<>();
        Set<String> removed = new TreeSet<>();
        Set<String> kept = new TreeSet<>();
        components.forEach(comp -> added.add(comp.name()));
        if (c.live() != null) {
            for (Bundle b : frameworkWiring.getDependencyClosure(List.of(c.live()))) {
                if (!b.equals(c.live())) {
                    dependents.add(b.getSymbolicName());
                }
            }
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(c.live())) {
                if (added.remove(d.name)) {
                    kept.add(d.name);
                } else {
                    removed.add(d.name);
                }
            }
            if (frameworkWiring.getDependencyClosure(List.of(c.live())).contains(context.getBundle())) {
                problems.add("a refresh would restart the reload machinery itself (" + context.getBundle().getSymbolicName()
                        + "); restart the node to change this bundle");
            }
            problems.addAll(brokenImports(c.live(), revision));
        }
        PreparedBundle i = c.info();
        PreparedBundle info = new PreparedBundle(i.symbolicName(), i.fromVersion(), i.toVersion(), i.bundleId(),
                i.source(), dependents, List.copyOf(added), List.copyOf(removed), List.copyOf(kept), problems);
        return new Candidate(info, c.staged(), c.live(), c.location(), c.liveModified());
    }

    /** The requirements of {@code revision} that no installed bundle can satisfy. */
    private List<String> unmet(BundleRevision revision) {
        List<String> missing = new ArrayList<>();
        for (Requirement req : revision.getRequirements(null)) {
            String resolution = req.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE);
            String effective = req.getDirectives().get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
            if (Namespace.RESOLUTION_OPTIONAL.equals(resolution)
                    || (effective != null && !Namespace.EFFECTIVE_RESOLVE.equals(effective))) {
                continue;
            }
            Collection<BundleCapability> providers = frameworkWiring.findProviders(req);
            if (providers.isEmpty()) {
                String filter = req.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE);
                missing.add(req.getNamespace() + " " + (filter == null ? "" : filter));
            }
        }
        return missing;
    }

    /** Packages live bundles import from {@code live} that the new revision no longer exports in a matching version. */
    private List<String> brokenImports(Bundle live, BundleRevision candidate) {
        List<String> problems = new ArrayList<>();
        BundleWiring wiring = live.adapt(BundleWiring.class);
        if (wiring == null) {
            return problems;
        }
        List<BundleCapability> offered = candidate.getDeclaredCapabilities(PackageNamespace.PACKAGE_NAMESPACE);
        for (BundleWire wire : wiring.getProvidedWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            Bundle requirer = wire.getRequirer().getBundle();
            if (requirer.equals(live)) {
                continue;
            }
            boolean satisfied = offered.stream().anyMatch(cap -> wire.getRequirement().matches(cap));
            if (!satisfied) {
                problems.add(requirer.getSymbolicName() + " imports "
                        + wire.getRequirement().getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE)
                        + ", which the new revision does not export");
            }
        }
        return problems;
    }

    private static void loadable(Bundle bundle, String className, String what, List<String> problems) {
        try {
            bundle.loadClass(className);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            problems.add(what + " class " + className + " cannot be loaded: " + e.getMessage());
        }
    }

    private void removeCandidates(Collection<Bundle> candidates) {
        if (candidates.isEmpty()) {
            return;
        }
        for (Bundle b : candidates) {
            try {
                b.uninstall();
            } catch (BundleException | IllegalStateException e) {
                LOG.warn("Cannot uninstall the candidate {}: {}", b.getLocation(), e.toString());
            }
        }
        refresh(candidates);
        candidates.forEach(hooks::remove);
    }

    // ---- phases 3 and 4: swap, verify, roll back

    private ReloadReport swapIn(List<Candidate> set, Duration drain, boolean journal) {
        List<SwapItem> items = set.stream()
                .map(c -> new SwapItem(c.info().symbolicName(), c.live(), c.staged(), c.location())).toList();
        return swap(items, true, drain, journal ? "reload" : "redeploy");
    }

    /**
     * Drains, stores the previous revisions (when {@code store}), swaps, verifies and, on failure, swaps the
     * stored revisions back. The drain ends in every case.
     */
    private ReloadReport swap(List<SwapItem> items, boolean keepPrevious, Duration drain, String what) {
        phase = Phase.SWAPPING;
        List<String> messages = new ArrayList<>();
        long drainMillis = 0;
        long t0 = System.nanoTime();
        try {
            Set<String> keys = new LinkedHashSet<>();
            List<Bundle> lives = new ArrayList<>();
            for (SwapItem item : items) {
                keys.add(item.bsn());
                if (item.live() != null) {
                    lives.add(item.live());
                }
            }
            if (!lives.isEmpty()) {
                frameworkWiring.getDependencyClosure(lives).forEach(b -> keys.add(b.getSymbolicName()));
            }
            keys.add(RequestGate.UNKNOWN); // calls for a handler that is gone mid-swap wait for its new revision
            // Everything that needs no drain happens before it, so calls are held only for the swap itself.
            Map<String, String> previous = new LinkedHashMap<>();
            if (keepPrevious) {
                for (SwapItem item : items) {
                    try {
                        previous.put(item.bsn(), item.live() == null ? RevisionStore.NOT_INSTALLED
                                : store.save(item.live()).toString());
                    } catch (IOException e) {
                        messages.add("cannot store the previous revision of " + item.bsn() + ": " + e.getMessage());
                        return report(Outcome.FAILED, items, messages, drainMillis, t0);
                    }
                }
                messages.add("previous revisions stored in " + store.dir());
            }
            Map<String, HealthStatus> healthBefore = health();
            Map<String, Boolean> satisfiedBefore = componentStates(lives);
            t0 = System.nanoTime();
            try {
                long d0 = t0;
                var status = gate.start(drain, keys);
                drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - d0);
                messages.add("drained " + keys + " in " + drainMillis + " ms"
                        + (status.inFlight() > 0 ? ", " + status.inFlight() + " calls still in flight" : ""));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while draining", e);
            }
            long s0 = System.nanoTime();
            Set<String> active = new LinkedHashSet<>();
            for (SwapItem item : items) {
                if (item.live() == null || (item.live().getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                    active.add(item.bsn());
                }
            }
            List<String> failures = apply(items, active, messages);
            if (failures.isEmpty()) {
                failures = verify(items, satisfiedBefore, healthBefore);
            }
            if (failures.isEmpty()) {
                messages.add(what + " swapped in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s0)
                        + " ms and verified");
                if (keepPrevious && "reload".equals(what)) {
                    writeJournal(previous, messages);
                }
                return report(Outcome.SWAPPED, items, messages, drainMillis, t0);
            }
            messages.addAll(failures);
            if (!keepPrevious || previous.isEmpty()) {
                return report(Outcome.FAILED, items, messages, drainMillis, t0);
            }
            LOG.warn("{} of {} failed verification: {}; rolling back", what, keys, failures);
            List<SwapItem> back = new ArrayList<>();
            for (SwapItem item : items) {
                String prev = previous.get(item.bsn());
                Bundle now = find(item.bsn());
                if (RevisionStore.NOT_INSTALLED.equals(prev)) {
                    if (now != null) {
                        back.add(new SwapItem(item.bsn(), now, null, null));
                    }
                } else {
                    back.add(new SwapItem(item.bsn(), now, Path.of(prev), item.live().getLocation()));
                }
            }
            List<String> rollbackFailures = apply(back, active, messages);
            if (rollbackFailures.isEmpty()) {
                rollbackFailures = verify(back, satisfiedBefore, healthBefore);
            }
            if (rollbackFailures.isEmpty()) {
                messages.add("rolled back to the previous revisions automatically");
                return report(Outcome.ROLLED_BACK, back, messages, drainMillis, t0);
            }
            messages.add("ROLLBACK FAILED: " + rollbackFailures);
            return report(Outcome.FAILED, back, messages, drainMillis, t0);
        } finally {
            gate.stop();
            phase = prepared.isEmpty() ? Phase.IDLE : Phase.PREPARED;
        }
    }

    private void writeJournal(Map<String, String> previous, List<String> messages) {
        try {
            store.writeJournal(previous);
        } catch (IOException e) {
            messages.add("cannot write the reload journal: " + e.getMessage());
        }
    }

    /**
     * Stop, update/install/uninstall, one refresh, start the bundles named in {@code start} (those that were active
     * before the first swap, so a rollback also restarts a bundle the failed revision left stopped).
     *
     * @return failures, empty when all went well
     */
    private List<String> apply(List<SwapItem> items, Set<String> start, List<String> messages) {
        List<String> failures = new ArrayList<>();
        List<Bundle> toStart = new ArrayList<>();
        List<Bundle> touched = new ArrayList<>();
        for (SwapItem item : items) {
            Bundle live = item.live();
            if (live != null && (live.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                try {
                    live.stop(Bundle.STOP_TRANSIENT);
                } catch (BundleException e) {
                    messages.add("stopping " + item.bsn() + " failed: " + e.getMessage());
                }
            }
            if (live != null && item.jar() != null && start.contains(item.bsn())) {
                toStart.add(live);
            }
        }
        for (SwapItem item : items) {
            try {
                if (item.jar() == null) {
                    item.live().uninstall();
                    toStart.remove(item.live());
                    touched.add(item.live());
                    messages.add("uninstalled " + item.bsn());
                } else if (item.live() == null) {
                    Bundle b;
                    try (InputStream in = Files.newInputStream(item.jar())) {
                        b = context.installBundle(item.location(), in);
                    }
                    touched.add(b);
                    if (b.getHeaders("").get(Constants.FRAGMENT_HOST) == null && start.contains(item.bsn())) {
                        toStart.add(b);
                    }
                    messages.add("installed " + item.bsn() + " " + b.getVersion());
                } else {
                    String from = item.live().getVersion().toString();
                    try (InputStream in = Files.newInputStream(item.jar())) {
                        item.live().update(in);
                    }
                    touched.add(item.live());
                    messages.add("updated " + item.bsn() + " " + from + " -> " + item.live().getVersion());
                }
            } catch (BundleException | IOException | IllegalStateException e) {
                failures.add((item.jar() == null ? "uninstalling " : "updating ") + item.bsn() + " failed: "
                        + e.getMessage());
            }
        }
        if (!touched.isEmpty()) {
            long r0 = System.nanoTime();
            if (!refresh(touched)) {
                failures.add("the refresh did not finish within 30 s");
            }
            messages.add("refreshed " + touched.size() + " bundle(s) in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r0) + " ms");
        }
        for (Bundle b : toStart) {
            try {
                if (b.getState() != Bundle.UNINSTALLED) {
                    b.start();
                }
            } catch (BundleException | IllegalStateException e) {
                failures.add("starting " + b.getSymbolicName() + " failed: " + e.getMessage()
                        + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
            }
        }
        return failures;
    }

    private boolean refresh(Collection<Bundle> bundles) {
        CountDownLatch done = new CountDownLatch(1);
        frameworkWiring.refreshBundles(bundles, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            return done.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits for DS to settle on the swapped bundles, then checks them and the node's health. */
    private List<String> verify(List<SwapItem> items, Map<String, Boolean> satisfiedBefore,
            Map<String, HealthStatus> healthBefore) {
        List<Bundle> bundles = new ArrayList<>();
        for (SwapItem item : items) {
            if (item.jar() != null) {
                Bundle b = find(item.bsn());
                if (b == null) {
                    return List.of(item.bsn() + " is not installed after the swap");
                }
                bundles.add(b);
            }
        }
        long deadline = System.nanoTime() + settleTimeout.toNanos();
        List<String> problems;
        boolean poked = false;
        for (;;) {
            problems = new ArrayList<>();
            boolean hard = false;
            for (Bundle b : bundles) {
                boolean fragment = b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
                if (!fragment && b.getState() != Bundle.ACTIVE) {
                    problems.add(b.getSymbolicName() + " is not ACTIVE (state " + b.getState() + ")");
                    hard = true;
                    continue;
                }
                for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
                    if (!scr.isComponentEnabled(d)) {
                        continue;
                    }
                    for (ComponentConfigurationDTO cc : scr.getComponentConfigurationDTOs(d)) {
                        if (cc.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                            problems.add("component " + d.name + " of " + b.getSymbolicName()
                                    + " failed to activate: " + firstLine(cc.failure));
                            hard = true;
                        } else if (cc.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                                || cc.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION) {
                            if (Boolean.TRUE.equals(satisfiedBefore.get(b.getSymbolicName() + "/" + d.name))) {
                                problems.add("component " + d.name + " of " + b.getSymbolicName()
                                        + " was satisfied before the swap and is not now");
                            }
                        }
                    }
                }
            }
            if (hard || System.nanoTime() - deadline > 0) {
                break;
            }
            if (problems.isEmpty()) {
                if (poked) {
                    break;
                }
                // A delayed component activates on first use: use each service once so a throwing activate shows now.
                bundles.forEach(this::activateDelayed);
                poked = true;
                continue;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problems.add("interrupted while waiting for DS to settle");
                return problems;
            }
        }
        for (Map.Entry<String, HealthStatus> e : health().entrySet()) {
            if (e.getValue() == HealthStatus.UNHEALTHY && healthBefore.get(e.getKey()) != HealthStatus.UNHEALTHY) {
                problems.add("health check " + e.getKey() + " is UNHEALTHY after the swap");
            }
        }
        return problems;
    }

    /** Gets and releases each service the bundle registered, so a delayed component activates (or fails) now. */
    private void activateDelayed(Bundle b) {
        ServiceReference<?>[] refs = b.getRegisteredServices();
        if (refs == null) {
            return;
        }
        for (ServiceReference<?> ref : refs) {
            try {
                if (context.getService(ref) != null) {
                    context.ungetService(ref);
                }
            } catch (RuntimeException e) {
                LOG.debug("Getting {} failed", ref, e);
            }
        }
    }

    private Map<String, Boolean> componentStates(Collection<Bundle> bundles) {
        Map<String, Boolean> states = new HashMap<>();
        for (Bundle b : bundles) {
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
                boolean satisfied = false;
                for (ComponentConfigurationDTO cc : scr.getComponentConfigurationDTOs(d)) {
                    satisfied |= cc.state == ComponentConfigurationDTO.ACTIVE
                            || cc.state == ComponentConfigurationDTO.SATISFIED;
                }
                states.put(b.getSymbolicName() + "/" + d.name, satisfied);
            }
        }
        return states;
    }

    private Map<String, HealthStatus> health() {
        HealthService h = health;
        Map<String, HealthStatus> result = new HashMap<>();
        if (h != null) {
            try {
                var report = h.report();
                report.checks().forEach((name, r) -> result.put(name, r.status()));
                result.put("(node)", report.status());
            } catch (RuntimeException e) {
                LOG.warn("The health service failed: {}", e.toString());
            }
        }
        return result;
    }

    private ReloadReport report(Outcome outcome, List<SwapItem> items, List<String> messages, long drainMillis,
            long t0) {
        List<String> bundles = new ArrayList<>();
        for (SwapItem item : items) {
            Bundle now = find(item.bsn());
            bundles.add(item.bsn() + " " + (now == null ? "(not installed)" : now.getVersion() + " [" + now.getBundleId()
                    + "] " + state(now)));
        }
        ReloadReport report = new ReloadReport(outcome, bundles, messages, drainMillis,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) - drainMillis, Instant.now());
        last = report;
        event(outcome + " " + bundles);
        if (outcome == Outcome.FAILED) {
            LOG.error("Reload FAILED: {}", messages);
        } else if (outcome == Outcome.ROLLED_BACK) {
            LOG.warn("Reload rolled back: {}", messages);
        } else {
            LOG.info("Reload swapped: {}", bundles);
        }
        return report;
    }

    // ---- helpers

    /** Where a target's new revision comes from. */
    private record Source(String description, URL url, Bundle live, String newLocation) {
        InputStream open() throws IOException {
            return url.openStream();
        }
    }

    private Source source(String target) {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("an empty target: name a bundle (symbolic name or id) or a jar file");
        }
        try {
            if (target.startsWith("file:")) {
                Path p = Path.of(URI.create(target));
                return new Source(p.toString(), p.toUri().toURL(), null, p.toUri().toString());
            }
            Path p = Path.of(target);
            if (Files.isRegularFile(p)) {
                return new Source(p.toString(), p.toUri().toURL(), null, p.toAbsolutePath().toUri().toString());
            }
            Bundle live = null;
            if (target.chars().allMatch(Character::isDigit)) {
                live = context.getBundle(Long.parseLong(target));
                if (live != null && live.getBundleId() == 0) {
                    throw new IllegalArgumentException("the system bundle cannot be reloaded; restart the node");
                }
            }
            if (live == null) {
                live = find(target);
            }
            if (live != null) {
                String location = live.getLocation();
                String url = location.startsWith("reference:") ? location.substring("reference:".length()) : location;
                return new Source(url, new URL(url), live, null);
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(target + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(target + " is neither a jar file nor an installed bundle (symbolic name or id)");
    }

    /** @return the installed (not candidate) bundle with this symbolic name, the highest version if several */
    Bundle find(String bsn) {
        Bundle best = null;
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName()) && !b.getLocation().startsWith(CANDIDATE_LOCATION)
                    && b.getState() != Bundle.UNINSTALLED
                    && (best == null || b.getVersion().compareTo(best.getVersion()) > 0)) {
                best = b;
            }
        }
        return best;
    }

    private void discardStaged(List<Candidate> set) {
        for (Candidate c : set) {
            try {
                Files.deleteIfExists(c.staged());
            } catch (IOException e) {
                LOG.debug("Cannot delete {}", c.staged(), e);
            }
        }
    }

    private static String describe(List<PreparedBundle> infos) {
        List<String> parts = new ArrayList<>();
        for (PreparedBundle p : infos) {
            parts.add(p.symbolicName() + " " + (p.fromVersion() == null ? "(new)" : p.fromVersion()) + " -> "
                    + p.toVersion());
        }
        return String.join(", ", parts);
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no reason given)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
