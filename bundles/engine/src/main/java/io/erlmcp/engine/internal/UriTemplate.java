// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Matches URIs against an RFC 6570 template (levels 1 to 3: simple, {@code +}, {@code #}, {@code .}, {@code /},
 * {@code ;}, {@code ?} and {@code &} expressions with variable lists) and extracts the variables. Level 4
 * modifiers ({@code :n}, {@code *}) are accepted and ignored. Immutable.
 */
final class UriTemplate {

    private final String template;
    private final Pattern pattern;
    private final List<String> groups = new ArrayList<>();   // variable per capture group
    private final List<String> queryVars = new ArrayList<>(); // variables of ? and & expressions
    private final boolean hasQuery;

    UriTemplate(String template) {
        this.template = template;
        StringBuilder re = new StringBuilder("^");
        int i = 0;
        boolean query = false;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                re.append(Pattern.quote(template.substring(i)));
                break;
            }
            if (open > i) {
                re.append(Pattern.quote(template.substring(i, open)));
            }
            int close = template.indexOf('}', open);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed expression in " + template);
            }
            String expr = template.substring(open + 1, close);
            char op = expr.isEmpty() ? 0 : expr.charAt(0);
            if ("+#./;?&".indexOf(op) >= 0) {
                expr = expr.substring(1);
            } else {
                op = 0;
            }
            List<String> vars = new ArrayList<>();
            for (String v : expr.split(",")) {
                String name = v.replaceAll("[:*].*$", "").trim();
                if (!name.isEmpty()) {
                    vars.add(name);
                }
            }
            switch (op) {
                case '?', '&' -> {
                    queryVars.addAll(vars);
                    if (!query) {
                        re.append("(?<q>(?:[?&][^#]*)?)");
                        groups.add(null); // the named group takes a number too
                        query = true;
                    }
                }
                case '+' -> list(re, vars, "", ",", "([^,]*?)");
                case '#' -> list(re, vars, "#", ",", "([^,]*?)");
                case '.' -> prefixed(re, vars, "\\.", "([^/?#.,]*)");
                case '/' -> prefixed(re, vars, "/", "([^/?#,]*)");
                case ';' -> {
                    for (String v : vars) {
                        re.append("(?:;").append(Pattern.quote(v)).append("(?:=([^;/?#,]*))?)?");
                        groups.add(v);
                    }
                }
                default -> list(re, vars, "", ",", "([^/?#,]*)");
            }
            i = close + 1;
        }
        re.append("$");
        this.hasQuery = query;
        this.pattern = Pattern.compile(re.toString());
    }

    private void list(StringBuilder re, List<String> vars, String prefix, String sep, String var) {
        re.append(Pattern.quote(prefix));
        for (int k = 0; k < vars.size(); k++) {
            if (k > 0) {
                re.append("(?:").append(Pattern.quote(sep));
            }
            re.append(var);
            if (k > 0) {
                re.append(")?");
            }
            groups.add(vars.get(k));
        }
    }

    private void prefixed(StringBuilder re, List<String> vars, String prefix, String var) {
        for (String v : vars) {
            re.append("(?:").append(prefix).append(var).append(")?");
            groups.add(v);
        }
    }

    String template() {
        return template;
    }

    /** @return the variables when {@code uri} matches, else {@code null} */
    Map<String, String> match(String uri) {
        Matcher m = pattern.matcher(uri);
        if (!m.matches()) {
            return null;
        }
        Map<String, String> vars = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            String value = m.group(g + 1);
            if (value != null && groups.get(g) != null) {
                vars.put(groups.get(g), decode(value));
            }
        }
        if (hasQuery) {
            String q = m.group("q");
            if (q != null && !q.isEmpty()) {
                for (String pair : q.substring(1).split("&")) {
                    int eq = pair.indexOf('=');
                    String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                    if (queryVars.contains(k)) {
                        vars.put(k, eq < 0 ? "" : decode(pair.substring(eq + 1)));
                    }
                }
            }
        }
        return vars;
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
