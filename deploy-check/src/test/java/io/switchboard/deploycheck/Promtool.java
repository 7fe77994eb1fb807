package io.switchboard.deploycheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Prometheus' own checker, promtool, found or installed by deploy/install-promtool.sh (which uses $PROMTOOL, else
 * promtool on the PATH, else installs Debian's prometheus package). A PrometheusRule is a Kubernetes object; promtool
 * reads a plain rules file, so its spec (the groups) is written to one first.
 */
final class Promtool {
    /** The rules file's name: prometheus-rules-test.yaml lists it under rule_files. */
    static final String RULES_FILE = "switchboard-rules.yaml";
    private static volatile String path;

    private Promtool() {
    }

    static synchronized String path() {
        if (path == null) {
            Kubectl.Result found = Kubectl.run(List.of("bash", Project.DEPLOY.resolve("install-promtool.sh").toString()), 600);
            if (found.exit() != 0) {
                throw new IllegalStateException("deploy/install-promtool.sh failed:\n" + found.stderr());
            }
            String[] lines = found.stdout().strip().split("\n");
            path = lines[lines.length - 1].strip();
        }
        return path;
    }

    /** `promtool check rules` on a rules file of these groups: its complaints, empty when it found none. */
    static String checkRules(JsonNode groups) {
        return inTempDir(dir -> {
            Path rules = write(dir, groups);
            Kubectl.Result r = Kubectl.run(List.of(path(), "check", "rules", rules.toString()), 60);
            return r.exit() == 0 ? "" : (r.stdout() + r.stderr()).replace(dir + "/", "").strip();
        });
    }

    /** `promtool test rules` on a unit-test file, with the groups as its switchboard-rules.yaml: its output, or "" on success. */
    static String testRules(JsonNode groups, Path testFile) {
        return inTempDir(dir -> {
            write(dir, groups);
            Path test = dir.resolve(testFile.getFileName());
            Files.copy(testFile, test);
            Kubectl.Result r = Kubectl.run(List.of(path(), "test", "rules", test.toString()), 120);
            return r.exit() == 0 ? "" : (r.stdout() + r.stderr()).strip();
        });
    }

    private static Path write(Path dir, JsonNode groups) throws IOException {
        ObjectNode file = Rendered.YAML.createObjectNode();
        file.set("groups", groups);
        Path rules = dir.resolve(RULES_FILE);
        Rendered.YAML.writeValue(rules.toFile(), file);
        return rules;
    }

    private interface InDir {
        String apply(Path dir) throws IOException;
    }

    private static String inTempDir(InDir work) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("deploy-check-promtool");
            return work.apply(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                try (Stream<Path> all = Files.walk(dir)) {
                    all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a temp dir left behind is harmless
                }
            }
        }
    }
}
