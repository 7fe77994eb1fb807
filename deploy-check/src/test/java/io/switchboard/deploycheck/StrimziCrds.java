package io.switchboard.deploycheck;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Strimzi's released CRDs for the kinds Switchboard uses, made the way Strimzi's release build makes them: its own CRD
 * generator ({@code io.strimzi:crd-generator}) run over the released model classes ({@code io.strimzi:api}), with the
 * arguments of Strimzi's api/pom.xml. The result is the same file as packaging/install/cluster-operator/04x-Crd-*.yaml
 * of that release (Strimzi ships its CRDs in no Maven artifact; the jars are what the build can resolve). Maven copies
 * both jars to target/strimzi-crd-generator (deploy-check/pom.xml); they need Java 21, so a Java 21 or newer runs
 * them in a process of its own when the tests run on an older one.
 */
final class StrimziCrds {
    /** Model class → the file name it has in Strimzi's release. */
    private static final Map<String, String> KINDS = Map.of(
            "io.strimzi.api.kafka.model.kafka.Kafka", "040-Crd-kafka.yaml",
            "io.strimzi.api.kafka.model.topic.KafkaTopic", "043-Crd-kafkatopic.yaml",
            "io.strimzi.api.kafka.model.user.KafkaUser", "044-Crd-kafkauser.yaml",
            "io.strimzi.api.kafka.model.nodepool.KafkaNodePool", "045-Crd-kafkanodepool.yaml");
    private static final Path JARS = Path.of(System.getProperty("strimzi.crd-generator.dir", "target/strimzi-crd-generator"));
    private static final Path OUT = Path.of(System.getProperty("strimzi.crds.dir", "target/strimzi-crds"));
    private static List<Path> files;

    private StrimziCrds() {
    }

    static synchronized List<Path> files() {
        if (files == null) {
            files = generate();
        }
        return files;
    }

    private static List<Path> generate() {
        List<String> classpath;
        try (Stream<Path> jars = Files.list(JARS)) {
            classpath = jars.filter(j -> j.toString().endsWith(".jar")).map(Path::toString).sorted().toList();
            Files.createDirectories(OUT);
        } catch (IOException e) {
            throw new UncheckedIOException("no " + JARS + ": run the tests through Maven, which copies Strimzi's jars there", e);
        }
        List<String> command = new ArrayList<>(List.of(java21(), "-cp", String.join(File.pathSeparator, classpath),
                "io.strimzi.crdgenerator.CrdGenerator",
                "--label", "app:strimzi", "--label", "strimzi.io/crd-install:true", "--target-kube", "1.16+",
                "--crd-api-version", "v1", "--api-versions", "v1", "--storage-version", "v1", "--yaml"));
        List<Path> out = new ArrayList<>();
        KINDS.forEach((model, file) -> {
            command.add(model + "=" + OUT.resolve(file));
            out.add(OUT.resolve(file));
        });
        try {
            Path log = Files.createTempFile("strimzi-crd-generator", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("Strimzi's CRD generator did not finish within 300 s");
            }
            String output = Files.readString(log);
            Files.delete(log);
            if (p.exitValue() != 0 || out.stream().anyMatch(f -> !Files.isRegularFile(f))) {
                throw new IllegalStateException("Strimzi's CRD generator failed (exit " + p.exitValue() + "):\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out.stream().sorted().toList();
    }

    /**
     * The java of a JDK 21 or newer: this JVM's if it is one, else one of its sibling JDKs (Debian and the usual
     * installers put JDKs side by side), else the one named by the system property strimzi.java.
     */
    static String java21() {
        String explicit = System.getProperty("strimzi.java", "");
        if (!explicit.isBlank()) {
            return explicit;
        }
        Path home = Path.of(System.getProperty("java.home"));
        if (Runtime.version().feature() >= 21) {
            return home.resolve("bin/java").toString();
        }
        try (Stream<Path> siblings = Files.list(home.getParent())) {
            return siblings.filter(jdk -> feature(jdk) >= 21).sorted()
                    .map(jdk -> jdk.resolve("bin/java")).filter(Files::isExecutable).map(Path::toString)
                    .findFirst().orElseThrow(() -> new IllegalStateException("Strimzi's CRD generator needs Java 21 or"
                            + " newer, and there is none beside " + home + ": install one, or name its java with"
                            + " -Dstrimzi.java=…"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The feature release of a JDK directory, from its release file; 0 when unknown. */
    private static int feature(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
