// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.eclipse.jetty.server.Handler;

/**
 * An immutable table of mounted handlers, longest path first. Replaced whole on every change, so request
 * threads read it without locks.
 */
final class Mounts {

    record Mount(String path, Handler handler) {
    }

    static final Mounts EMPTY = new Mounts(List.of());

    private final List<Mount> mounts;

    private Mounts(List<Mount> mounts) {
        this.mounts = mounts;
    }

    List<Mount> all() {
        return mounts;
    }

    Mounts with(String path, Handler handler) {
        List<Mount> next = new ArrayList<>(mounts);
        next.add(new Mount(path, handler));
        next.sort(Comparator.comparingInt((Mount m) -> m.path().length()).reversed());
        return new Mounts(List.copyOf(next));
    }

    Mounts without(Handler handler) {
        List<Mount> next = new ArrayList<>(mounts);
        next.removeIf(m -> m.handler() == handler);
        return new Mounts(List.copyOf(next));
    }

    boolean contains(Handler handler) {
        return mounts.stream().anyMatch(m -> m.handler() == handler);
    }

    /** @return the handler that answers for exactly {@code path}, or null */
    Handler at(String path) {
        return mounts.stream().filter(m -> m.path().equals(path)).map(Mount::handler).findFirst().orElse(null);
    }

    /** @return the handler mounted at the longest path that {@code path} equals or lies under, or null */
    Handler find(String path) {
        for (Mount mount : mounts) {
            String prefix = mount.path();
            if (path.equals(prefix) || (path.startsWith(prefix)
                    && (prefix.endsWith("/") || path.charAt(prefix.length()) == '/'))) {
                return mount.handler();
            }
        }
        return null;
    }

    /** @return the path normalized for mounting, or null when it is not usable */
    static String normalize(Object path) {
        if (!(path instanceof String text) || !text.startsWith("/")) {
            return null;
        }
        return text.length() > 1 && text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
