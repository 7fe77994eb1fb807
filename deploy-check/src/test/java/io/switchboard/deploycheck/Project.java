package io.switchboard.deploycheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the manifests must agree with, read from the project itself: its documentation and its services' code. */
final class Project {
    static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    static final Path DEPLOY = Path.of(System.getProperty("deploy.dir", "../deploy")).toAbsolutePath().normalize();
    static final List<String> SERVICES = List.of("call-ingest", "call-state", "presence-gateway");

    private static final String BEGIN = "<!-- secrets-you-create -->";
    private static final String END = "<!-- /secrets-you-create -->";
    private static final Pattern TICKED = Pattern.compile("`([^`]+)`");
    private static final Pattern TOPIC_PROPERTY = Pattern.compile("(?m)^\\s*mp\\.messaging\\.[^=#]*topic\\s*=\\s*(\\S+)\\s*$");
    private static final Pattern CHANNEL_PROPERTY = Pattern.compile(
            "(?m)^mp\\.messaging\\.(incoming|outgoing)\\.[^.=]+\\.(topic|group\\.id|dead-letter-queue\\.topic)\\s*=\\s*(\\S+)\\s*$");
    private static final Pattern TOPIC_CONSTANT = Pattern.compile("\"(switchboard\\.[a-z0-9.-]+)\"");

    private Project() {
    }

    static List<Path> overlays() {
        try (Stream<Path> dirs = Files.list(DEPLOY.resolve("overlays"))) {
            return dirs.filter(d -> Files.exists(d.resolve("kustomization.yaml"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The "Secrets you create" table of deploy/README.md, between the markers: secret name → keys. The manifests may
     * refer only to these (besides what the overlay or an operator creates), and the README must list each key.
     */
    static Map<String, Set<String>> documentedSecrets() {
        String readme = read(DEPLOY.resolve("README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new AssertionError("deploy/README.md lacks the " + BEGIN + " … " + END + " table");
        }
        Map<String, Set<String>> secrets = new LinkedHashMap<>();
        for (String line : readme.substring(begin, end).split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length < 3 || !cells[1].contains("`")) {
                continue;
            }
            Matcher name = TICKED.matcher(cells[1]);
            name.find();
            Set<String> keys = new TreeSet<>();
            Matcher key = TICKED.matcher(cells[2]);
            while (key.find()) {
                keys.add(key.group(1));
            }
            secrets.put(name.group(1), keys);
        }
        if (secrets.isEmpty()) {
            throw new AssertionError("deploy/README.md's secrets table has no rows");
        }
        return secrets;
    }

    /** Every Kafka topic the services name: each `…topic=` in their application.properties and the contract's Topics. */
    static Set<String> topicsInCode() {
        Set<String> topics = new TreeSet<>();
        for (String service : SERVICES) {
            Matcher m = TOPIC_PROPERTY.matcher(read(ROOT.resolve(service + "/src/main/resources/application.properties")));
            while (m.find()) {
                topics.add(m.group(1));
            }
        }
        Matcher m = TOPIC_CONSTANT.matcher(read(ROOT.resolve("contract/src/main/java/io/switchboard/contract/Topics.java")));
        while (m.find()) {
            topics.add(m.group(1));
        }
        return topics;
    }

    /**
     * What each service does on Kafka, from its application.properties (the default profile): {@code topic:NAME:Read}
     * for a topic it consumes, {@code topic:NAME:Write} for one it produces to (dead-letter queues included),
     * {@code group:NAME:Read} for a consumer group it joins. A group id with a ${…} expression in it is the prefix
     * before the expression, written {@code group:PREFIX*:Read}: the rest is known only at run time.
     */
    static Map<String, Set<String>> kafkaUseInCode() {
        Map<String, Set<String>> use = new LinkedHashMap<>();
        for (String service : SERVICES) {
            Set<String> needs = new TreeSet<>();
            Matcher m = CHANNEL_PROPERTY.matcher(read(ROOT.resolve(service + "/src/main/resources/application.properties")));
            while (m.find()) {
                String value = m.group(3);
                switch (m.group(2)) {
                    case "topic" -> needs.add("topic:" + value + (m.group(1).equals("incoming") ? ":Read" : ":Write"));
                    case "dead-letter-queue.topic" -> needs.add("topic:" + value + ":Write");
                    default -> needs.add("group:" + (value.contains("${") ? value.substring(0, value.indexOf("${")) + "*"
                            : value) + ":Read");
                }
            }
            use.put(service, needs);
        }
        return use;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
