// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.hotdeploy.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.osgi.framework.Bundle;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** Reads the Declarative Services descriptors a bundle's {@code Service-Component} header names. */
final class Descriptors {

    /** One {@code component} element: its name, implementation class and provided interfaces. */
    record Component(String name, String implementation, List<String> provides) {
    }

    private Descriptors() {
    }

    /**
     * @param problems receives one sentence per unreadable descriptor or missing file
     * @return the components, in header order
     */
    static List<Component> read(Bundle bundle, List<String> problems) {
        List<Component> components = new ArrayList<>();
        String header = bundle.getHeaders("").get("Service-Component");
        if (header == null || header.isBlank()) {
            return components;
        }
        DocumentBuilder parser;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setExpandEntityReferences(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            parser = factory.newDocumentBuilder();
            parser.setErrorHandler(null);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser is not configurable", e); // a JDK that cannot parse XML
        }
        for (String raw : header.split(",")) {
            String path = raw.trim();
            int semi = path.indexOf(';');
            if (semi >= 0) {
                path = path.substring(0, semi).trim();
            }
            if (path.isEmpty()) {
                continue;
            }
            List<URL> urls = entries(bundle, path);
            if (urls.isEmpty() && !path.contains("*")) {
                problems.add("Service-Component names " + path + ", which is not in the jar");
            }
            for (URL url : urls) {
                try (InputStream in = url.openStream()) {
                    Document doc = parser.parse(in);
                    collect(doc.getDocumentElement(), components, path, problems);
                } catch (IOException | SAXException e) {
                    problems.add("DS descriptor " + url.getPath() + " does not parse: " + e.getMessage());
                }
            }
        }
        return components;
    }

    private static List<URL> entries(Bundle bundle, String path) {
        List<URL> urls = new ArrayList<>();
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "/" : path.substring(0, slash);
        String pattern = path.substring(slash + 1);
        Enumeration<URL> found = bundle.findEntries(dir, pattern, false);
        while (found != null && found.hasMoreElements()) {
            urls.add(found.nextElement());
        }
        return urls;
    }

    private static void collect(Element element, List<Component> out, String path, List<String> problems) {
        if ("component".equals(element.getLocalName())) {
            String name = element.getAttribute("name");
            String impl = null;
            List<String> provides = new ArrayList<>();
            NodeList impls = element.getElementsByTagNameNS("*", "implementation");
            if (impls.getLength() > 0) {
                impl = ((Element) impls.item(0)).getAttribute("class");
            }
            NodeList provided = element.getElementsByTagNameNS("*", "provide");
            for (int i = 0; i < provided.getLength(); i++) {
                provides.add(((Element) provided.item(i)).getAttribute("interface"));
            }
            if (impl == null || impl.isBlank()) {
                problems.add("DS component " + (name.isEmpty() ? "in " + path : name) + " has no implementation class");
            } else {
                out.add(new Component(name.isEmpty() ? impl : name, impl, provides));
            }
            return;
        }
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child) {
                collect(child, out, path, problems);
            }
        }
    }
}
