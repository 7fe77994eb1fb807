package io.switchboard.deploycheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * kubectl, found or installed by deploy/install-kubectl.sh (which uses $KUBECTL, else kubectl on the PATH, else
 * installs Debian's kubernetes-client), and its built-in kustomize.
 */
final class Kubectl {
    private static volatile String path;

    private Kubectl() {
    }

    static synchronized String path(Path deployDir) {
        if (path == null) {
            Result found = run(List.of("bash", deployDir.resolve("install-kubectl.sh").toString()), 600);
            if (found.exit != 0) {
                throw new IllegalStateException("deploy/install-kubectl.sh failed:\n" + found.stderr);
            }
            String[] lines = found.stdout.strip().split("\n");
            path = lines[lines.length - 1].strip();
        }
        return path;
    }

    /** The objects an overlay renders to, as one YAML stream. */
    static String kustomize(Path deployDir, Path overlay) {
        Result rendered = run(List.of(path(deployDir), "kustomize", overlay.toString()), 120);
        if (rendered.exit != 0) {
            throw new AssertionError("kubectl kustomize " + overlay + " failed (exit " + rendered.exit + "):\n"
                    + rendered.stderr);
        }
        return rendered.stdout;
    }

    static String version(Path deployDir) {
        Result v = run(List.of(path(deployDir), "version", "--client"), 60);
        return (v.stdout + v.stderr).strip().replace('\n', ' ');
    }

    record Result(int exit, String stdout, String stderr) {
    }

    /** Runs a command without input; its output and exit code. */
    static Result run(List<String> command, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("deploy-check", ".out");
            Path err = Files.createTempFile("deploy-check", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(command + " did not finish within " + timeoutSeconds + " s");
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
