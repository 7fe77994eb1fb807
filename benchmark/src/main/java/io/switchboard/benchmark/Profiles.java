package io.switchboard.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code --profile}: a JDK Flight Recording of every JVM on the path (each service and the benchmark's own JVM)
 * during the calls, started and dumped with {@code jcmd}, and the hottest methods of each (top frames of the execution
 * samples) in the results: the evidence for where the time goes when a target is missed. The {@code .jfr} files stay
 * beside the results for JDK Mission Control.
 */
final class Profiles {
    private final Map<String, Long> pids;
    private final Path dir;

    Profiles(Map<String, Long> pids, Path dir) {
        this.pids = pids;
        this.dir = dir;
    }

    void start() throws Exception {
        Files.createDirectories(dir);
        for (long pid : pids.values()) {
            jcmd(pid, "JFR.start", "name=bench", "settings=profile");
        }
    }

    /** name → the methods most often on top of the stack, with their share of the samples. */
    Map<String, Object> stop(int top) throws Exception {
        Map<String, Object> hot = new LinkedHashMap<>();
        for (var e : pids.entrySet()) {
            Path file = dir.resolve(e.getKey().replaceAll("[^a-z-]", "") + ".jfr").toAbsolutePath();
            jcmd(e.getValue(), "JFR.dump", "name=bench", "filename=" + file);
            jcmd(e.getValue(), "JFR.stop", "name=bench");
            hot.put(e.getKey(), topFrames(file, top));
        }
        return hot;
    }

    private static Map<String, String> topFrames(Path jfr, int top) throws Exception {
        String jfrTool = Path.of(System.getProperty("java.home"), "bin", "jfr").toString();
        Process p = new ProcessBuilder(jfrTool, "print", "--events", "jdk.ExecutionSample", "--stack-depth", "1",
                jfr.toString()).redirectErrorStream(true).start();
        Map<String, Integer> counts = new HashMap<>();
        int samples = 0;
        boolean inStack = false;
        try (var reader = p.inputReader()) {
            String line;
            while ((line = reader.readLine()) != null) {
                String t = line.trim();
                if (t.startsWith("stackTrace = [")) {
                    inStack = true;
                } else if (inStack) {
                    inStack = false;
                    samples++;
                    String frame = t.replaceAll("\\s+line:.*$", "");
                    counts.merge(frame, 1, Integer::sum);
                }
            }
        }
        p.waitFor(60, TimeUnit.SECONDS);
        Map<String, String> out = new LinkedHashMap<>();
        int total = samples;
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(c -> out.put(c.getKey(), Math.round(c.getValue() * 1000.0 / Math.max(1, total)) / 10.0 + " %"));
        out.put("(samples)", Integer.toString(total));
        return out;
    }

    private static void jcmd(long pid, String... args) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        List<String> command = new java.util.ArrayList<>(List.of(jcmd, Long.toString(pid)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(60, TimeUnit.SECONDS);
    }
}
