package io.switchboard.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time and resident memory of the processes on the path, from {@code /proc} (Linux): sampled at the start and
 * the end of a phase, CPU as a percentage of one core over the phase, and how much of it the kernel spent (system
 * time: for a fan-out server mostly the socket writes, which on loopback also carry the TCP receive path).
 */
final class ProcStats {
    /** Clock ticks per second of /proc/PID/stat's utime and stime: 100 on Linux x86-64. */
    private static final double TICKS = 100.0;

    /**
     * A named process, with its descendants counted in when {@code withChildren} (PostgreSQL's backends, nginx's
     * workers).
     */
    record Watched(String name, long pid, boolean withChildren) {
        Watched(String name, long pid) {
            this(name, pid, true);
        }

        /**
         * This JVM alone: the stack's services, PostgreSQL and nginx are its children, and are watched on their own.
         */
        static Watched thisJvm(String name) {
            return new Watched(name, ProcessHandle.current().pid(), false);
        }

        List<Long> pids() {
            return withChildren ? family(pid) : List.of(pid);
        }
    }

    private final List<Watched> watched;
    private final Map<String, long[]> startTicks = new LinkedHashMap<>();
    private long startNanos;

    ProcStats(List<Watched> watched) {
        this.watched = List.copyOf(watched);
    }

    void start() {
        startNanos = System.nanoTime();
        for (Watched w : watched) {
            startTicks.put(w.name(), ticks(w.pids()));
        }
    }

    /** name → {cpu_percent_of_one_core, kernel_percent_of_cpu, rss_mb}. */
    Map<String, Map<String, Object>> stop() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Watched w : watched) {
            List<Long> pids = w.pids();
            Map<String, Object> figures = new LinkedHashMap<>();
            long[] now = ticks(pids);
            long[] start = startTicks.getOrDefault(w.name(), new long[2]);
            long user = now[0] - start[0];
            long kernel = now[1] - start[1];
            long ticks = user + kernel;
            figures.put("cpu_percent_of_one_core", Math.round(ticks / TICKS / seconds * 1000) / 10.0);
            figures.put("kernel_percent_of_cpu", ticks == 0 ? 0.0 : Math.round(kernel * 1000.0 / ticks) / 10.0);
            figures.put("rss_mb", Math.round(rssKb(pids) / 1024.0));
            out.put(w.name(), figures);
        }
        return out;
    }

    static List<Long> family(long pid) {
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        return pids;
    }

    /** {user, system} clock ticks of the processes, summed. */
    private static long[] ticks(List<Long> pids) {
        long[] sum = new long[2];
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // Fields after the command name (which may hold spaces) in parentheses; utime and stime are 14 and 15.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum[0] += Long.parseLong(f[11]);
                sum[1] += Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                // gone meanwhile
            }
        }
        return sum;
    }

    private static long rssKb(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        sum += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone meanwhile
            }
        }
        return sum;
    }

    /**
     * The heap a JVM uses right after a full GC, in bytes, through {@code jcmd} (GC.run, then GC.heap_info): what is
     * live, without the garbage that happens to be there.
     */
    static long liveHeapBytes(long pid) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            run(jcmd, Long.toString(pid), "GC.run");
            String info = run(jcmd, Long.toString(pid), "GC.heap_info");
            var m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }
}
