// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.hotdeploy.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans {@code deploy/} every poll interval. A jar or {@code .cfg} file is acted on once its size and
 * modification time have stayed the same for one interval (so a file still being copied is not read). Jars go
 * through {@link ReloadServiceImpl#deploy}; removed jars through {@link ReloadServiceImpl#undeploy}. A
 * {@code .cfg} file is a properties file applied through ConfigurationAdmin: {@code <pid>.cfg} configures the
 * PID, {@code <factoryPid>-<name>.cfg} one named factory configuration; removing the file deletes it.
 */
final class DeployWatcher implements Runnable {

    /** Configuration property naming the deploy/ file a configuration came from. */
    static final String FILE_PROPERTY = "erlmcp.deploy.file";

    private static final Logger LOG = LoggerFactory.getLogger(DeployWatcher.class);

    private record Stamp(long size, long modified) {
    }

    private final ReloadServiceImpl reload;
    private final Path dir;
    private final long pollMillis;
    private final Thread thread;
    private final Map<Path, Stamp> pending = new HashMap<>();
    private final Map<Path, Stamp> done = new HashMap<>();
    private volatile boolean running = true;
    private boolean firstScan = true;

    DeployWatcher(ReloadServiceImpl reload, Path dir, long pollMillis) {
        this.reload = reload;
        this.dir = dir;
        this.pollMillis = Math.max(50, pollMillis);
        this.thread = new Thread(this, "erlmcp-deploy-watcher");
        thread.setDaemon(true);
    }

    void start() {
        LOG.info("Watching {} for bundles and configurations every {} ms", dir, pollMillis);
        thread.start();
    }

    void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                scan();
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.warn("Scanning {} failed: {}", dir, e.toString());
                try {
                    Thread.sleep(pollMillis);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    void scan() throws IOException {
        Set<Path> present = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{jar,cfg}")) {
            for (Path file : files) {
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (IOException e) {
                    continue; // removed between listing and reading
                }
                if (!attrs.isRegularFile()) {
                    continue;
                }
                present.add(file);
                Stamp stamp = new Stamp(attrs.size(), attrs.lastModifiedTime().toMillis());
                if (stamp.equals(done.get(file))) {
                    continue;
                }
                if (!stamp.equals(pending.put(file, stamp))) {
                    continue; // new or still changing: look again next time
                }
                pending.remove(file);
                done.put(file, stamp);
                if (!running) {
                    return;
                }
                if (file.toString().endsWith(".jar")) {
                    reload.deploy(file, firstScan);
                } else {
                    applyConfig(file);
                }
            }
        }
        for (Path gone : new HashSet<>(done.keySet())) {
            if (!present.contains(gone)) {
                done.remove(gone);
                if (gone.toString().endsWith(".jar")) {
                    reload.undeploy(gone);
                } else {
                    deleteConfig(gone);
                }
            }
        }
        pending.keySet().retainAll(present);
        if (pending.isEmpty()) {
            firstScan = false;
        }
    }

    private void applyConfig(Path file) {
        ConfigurationAdmin cm = reload.configAdmin();
        String name = file.getFileName().toString();
        if (cm == null) {
            LOG.warn("Cannot apply deploy/{}: no ConfigurationAdmin", name);
            reload.event("refused deploy/" + name + ": no ConfigurationAdmin");
            done.remove(file); // try again once it is there
            return;
        }
        try {
            Properties props = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                props.load(in);
            }
            Hashtable<String, Object> dict = new Hashtable<>();
            props.stringPropertyNames().forEach(k -> dict.put(k, props.getProperty(k).trim()));
            dict.put(FILE_PROPERTY, name);
            Configuration config = configuration(cm, name);
            if (!sameProperties(config.getProperties(), dict)) {
                config.update(dict);
                LOG.info("Applied deploy/{} to {}", name, config.getPid());
                reload.event("configured " + config.getPid() + " from deploy/" + name);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Refused deploy/{}: {}", name, e.toString());
            reload.event("refused deploy/" + name + ": " + e.getMessage());
        }
    }

    private void deleteConfig(Path file) {
        ConfigurationAdmin cm = reload.configAdmin();
        String name = file.getFileName().toString();
        if (cm == null) {
            return;
        }
        try {
            Configuration[] configs = cm.listConfigurations("(" + FILE_PROPERTY + "=" + escape(name) + ")");
            if (configs != null) {
                for (Configuration c : configs) {
                    c.delete();
                    LOG.info("Deleted {}: deploy/{} was removed", c.getPid(), name);
                    reload.event("deleted configuration " + c.getPid() + ": deploy/" + name + " removed");
                }
            }
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            LOG.warn("Cannot delete the configuration of deploy/{}: {}", name, e.toString());
        }
    }

    /** {@code a.b.cfg} is PID {@code a.b}; {@code a.b-name.cfg} is factory PID {@code a.b}, name {@code name}. */
    static Configuration configuration(ConfigurationAdmin cm, String fileName) throws IOException {
        String pid = fileName.substring(0, fileName.length() - ".cfg".length());
        int dash = pid.indexOf('-');
        if (dash > 0) {
            return cm.getFactoryConfiguration(pid.substring(0, dash), pid.substring(dash + 1), "?");
        }
        return cm.getConfiguration(pid, "?");
    }

    private static boolean sameProperties(Dictionary<String, Object> current, Map<String, Object> wanted) {
        if (current == null) {
            return false;
        }
        Map<String, Object> now = new HashMap<>();
        for (var keys = current.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            if (!k.equals("service.pid") && !k.equals("service.factoryPid") && !k.equals("service.bundleLocation")) {
                now.put(k, current.get(k));
            }
        }
        return now.size() == wanted.size()
                && wanted.entrySet().stream().allMatch(e -> Objects.equals(now.get(e.getKey()), e.getValue()));
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("*", "\\*");
    }
}
