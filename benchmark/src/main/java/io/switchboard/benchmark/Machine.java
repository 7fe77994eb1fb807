package io.switchboard.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the figures were measured on: they mean little without it. */
final class Machine {
    private Machine() {
    }

    static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpu_model", firstValue("/proc/cpuinfo", "model name"));
        String mem = firstValue("/proc/meminfo", "MemTotal");
        m.put("memory_gib", mem == null ? null : Math.round(Long.parseLong(mem.replaceAll("[^0-9]", "")) / 1048576.0));
        String os = firstValue("/etc/os-release", "PRETTY_NAME");
        m.put("os", os == null ? System.getProperty("os.name") : os.replace("\"", ""));
        m.put("java", System.getProperty("java.version"));
        String[] load = read("/proc/loadavg").split(" ");
        m.put("load_average_at_start", load.length >= 3 ? String.join(" ", Arrays.copyOf(load, 3)) : "?");
        m.put("open_file_limit", openFileLimit());
        return m;
    }

    /** The soft limit on open files of this process ({@code ulimit -n}); -1 if unknown. */
    static long openFileLimit() {
        for (String line : read("/proc/self/limits").split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                try {
                    return Long.parseLong(f[0]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static String firstValue(String file, String key) {
        for (String line : read(file).split("\n")) {
            if (line.startsWith(key)) {
                int sep = line.indexOf(line.contains("=") && !line.contains(":") ? '=' : ':');
                return sep < 0 ? null : line.substring(sep + 1).trim();
            }
        }
        return null;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (Exception e) {
            return "";
        }
    }
}
