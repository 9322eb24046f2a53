// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * An instance directory ({@code ERLMCP_BASE}): etc/, log/, data/, deploy/, owned by one node at a time through an
 * exclusive lock on {@code data/erlmcp.lock}, with the owner's pid in {@code data/erlmcp.pid}.
 */
final class Instance implements AutoCloseable {

    final Path base;
    final Path pidFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final long pid = ProcessHandle.current().pid();

    private Instance(Path base, FileChannel lockChannel, FileLock lock) {
        this.base = base;
        this.pidFile = base.resolve("data/erlmcp.pid");
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates the directories (a fresh instance gets a copy of {@code <home>/etc}) and takes the lock, writing our
     * pid into the lock file.
     *
     * @throws LaunchException if another node holds the lock, or the directory cannot be prepared
     */
    static Instance acquire(Path home, Path base) throws LaunchException {
        try {
            prepare(home, base);
            Path lockFile = base.resolve("data/erlmcp.lock");
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new LaunchException("a node is already running from " + base + " (pid " + owner(base) + ")");
            }
            Instance instance = new Instance(base, channel, lock);
            // The lock file names its holder from the first moment; the pid file appears once the node is up.
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap((instance.pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            // Left by a node that was killed: we own the directory now.
            Files.deleteIfExists(base.resolve("data/erlmcp.sock"));
            Files.deleteIfExists(instance.pidFile);
            return instance;
        } catch (IOException e) {
            throw new LaunchException("cannot prepare the instance directory " + base + ": " + e, e);
        }
    }

    static void prepare(Path home, Path base) throws IOException {
        Path etc = base.resolve("etc");
        if (!Files.isDirectory(etc) && !home.equals(base)) {
            copyTree(home.resolve("etc"), etc);
        }
        for (String dir : new String[] {"log", "data", "deploy"}) {
            Files.createDirectories(base.resolve(dir));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    try {
                        Files.copy(source, target);
                    } catch (FileAlreadyExistsException e) {
                        // another launcher raced us on a fresh directory; its copy is the same
                    }
                }
            }
        }
    }

    private static String owner(Path base) {
        try {
            String pid = Files.readString(base.resolve("data/erlmcp.lock"), StandardCharsets.US_ASCII).strip();
            return pid.isEmpty() ? "unknown" : pid;
        } catch (IOException e) {
            return "unknown";
        }
    }

    long pid() {
        return pid;
    }

    /** Writes {@code data/erlmcp.pid}: the node is up. bin/erlmcp start waits for it. */
    void writePid() throws LaunchException {
        try {
            Files.writeString(pidFile, pid + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new LaunchException("cannot write " + pidFile + ": " + e.getMessage(), e);
        }
    }

    /** Removes the pid file (if it is still ours) and releases the lock. Idempotent. */
    @Override
    public synchronized void close() {
        try {
            if (Files.isRegularFile(pidFile)
                    && Files.readString(pidFile, StandardCharsets.US_ASCII).strip().equals(Long.toString(pid))) {
                Files.delete(pidFile);
            }
        } catch (IOException e) {
            System.err.println("erlmcp: cannot remove " + pidFile + ": " + e);
        }
        try {
            if (lock.isValid()) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            System.err.println("erlmcp: cannot release the instance lock: " + e);
        }
    }
}
