package org.pathways.spark;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.pathways.cli.Main;
import picocli.CommandLine;

/**
 * One Spark session for every test of the module ({@code local[2]}, as {@code --spark local[2]} would make it): the
 * engine runs on it and leaves it open, so the tests pay Spark's start once. Also the helpers the tests share.
 */
final class SharedSpark {
    static final String MASTER = "local[2]";
    private static SparkSession session;

    private SharedSpark() {}

    static synchronized SparkSession session() {
        if (session == null) session = SparkSession.builder().config(SparkEngine.configuration(MASTER)).getOrCreate();
        return session;
    }

    /** Runs {@code pathways <args>} in this JVM as the launcher would; the one-line errors land in {@code err}. */
    static int run(List<String> args, StringWriter err) {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args.toArray(new String[0]));
    }

    /** A CSV's lines without its last column (the seconds). */
    static List<String> untimed(Path csv) throws Exception {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) rows.add(line.substring(0, line.lastIndexOf(',')));
        return rows;
    }

    /** The files under a folder, by relative path, as bytes compared through their text form. */
    static List<String> filesUnder(Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.add(dir.relativize(p) + " " + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    /** A child JVM running {@code pathways <args>} with this test's class path and Spark's flags, plus {@code properties}. */
    static Process start(List<String> properties, List<String> args, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-Xmx2g"));
        command.addAll(List.of(System.getProperty("pathways.spark.opens").trim().split("\\s+")));
        command.addAll(properties);
        command.add(Main.class.getName());
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
