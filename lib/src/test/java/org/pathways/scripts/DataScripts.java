package org.pathways.scripts;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.pathways.testing.Golden;

/** Running a data-scripts/fetch-*.sh script offline, and building the small archives it reads. */
final class DataScripts {
    private DataScripts() {}

    record Result(int code, String output) {}

    /**
     * Runs {@code data-scripts/<script>} with the environment given (a null value removes a variable), and without
     * the user's Cityscapes account or any proxy, so that nothing here can reach the network by accident.
     */
    static Result run(String script, Map<String, String> env, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = Golden.repo().resolve("data-scripts").resolve(script).toString();
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        for (String v : List.of("CITYSCAPES_USERNAME", "CITYSCAPES_PASSWORD", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy")) {
            pb.environment().remove(v);
        }
        env.forEach((k, v) -> {
            if (v == null) pb.environment().remove(k);
            else pb.environment().put(k, v);
        });
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), out);
    }

    /** Writes a zip of the files under {@code base} (names relative to it, '/'-separated), in name order. */
    static void zip(Path zip, Path base) throws IOException {
        Files.createDirectories(zip.toAbsolutePath().getParent());
        try (Stream<Path> files = Files.walk(base); OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry(base.relativize(f).toString().replace('\\', '/')));
                z.write(Files.readAllBytes(f));
                z.closeEntry();
            }
        }
    }

    /** Makes a .tar.gz of {@code member} (a folder under {@code base}) with the system's tar. */
    static void tarGz(Path archive, Path base, String member) throws IOException, InterruptedException {
        Files.createDirectories(archive.toAbsolutePath().getParent());
        Process p = new ProcessBuilder("tar", "-czf", archive.toString(), "-C", base.toString(), member).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException("tar failed: " + out);
    }

    static String md5(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** The regular files under a folder, relative and sorted. */
    static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString()).sorted().toList();
        }
    }
}
