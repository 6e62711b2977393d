package org.pathways.pipeline;

import com.google.gson.JsonObject;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pathways.common.AtomicFiles;
import org.pathways.common.InvalidInputException;

/**
 * The append-only result files of a batch run, made to survive a crash, Ctrl-C or {@code kill -9} at any moment.
 *
 * <p>Each finished image appends its rows to every table (flushed to disk), and only then its id to
 * {@code done.txt}. On opening an existing folder, rows of images missing from {@code done.txt} (a run killed between
 * the two writes) and a torn last line are dropped, so a resumed run computes those images again and none is counted
 * twice. {@code run.json} holds the run's configuration; a folder made with another configuration is refused.
 */
public final class ResultLog implements AutoCloseable {
    /** One table: file name and CSV header. The first column is the image id. */
    public record Table(String file, String header) {
        int columns() {
            return header.split(",", -1).length;
        }
    }

    public static final String DONE = "done.txt";
    public static final String CONFIG = RunFolder.CONFIG;
    public static final Table SKIPPED = new Table("skipped.csv", "image_id,reason");

    private final RunFolder folder;
    private final Path dir;
    private final List<Table> tables;
    private final Set<String> done = new LinkedHashSet<>();

    private volatile boolean closed;

    private ResultLog(RunFolder folder, List<Table> tables) {
        this.folder = folder;
        this.dir = folder.dir();
        this.tables = tables;
    }

    /** Lets go of the folder (its lock goes when the last user of this JVM closes it). */
    @Override
    public void close() throws IOException {
        synchronized (done) {
            closed = true;
        }
        folder.close();
    }

    /**
     * Opens {@code dir} for a run with {@code config}: a new folder is set up; a folder of the same run is cleaned of
     * unfinished images and continued; anything else is refused with a one-line message (see {@link RunFolder}).
     */
    public static ResultLog open(Path dir, JsonObject config, List<Table> tables) throws IOException {
        List<Table> all = new ArrayList<>(tables);
        all.add(SKIPPED);
        List<String> files = new ArrayList<>();
        for (Table t : all) files.add(t.file());
        RunFolder folder = RunFolder.open(dir, config, files);
        ResultLog log = new ResultLog(folder, List.copyOf(all));
        if (folder.resumed()) {
            log.recover();
        } else {
            for (Table t : all) AtomicFiles.write(dir.resolve(t.file()), tmp -> Files.writeString(tmp, t.header() + "\n"));
            AtomicFiles.write(dir.resolve(DONE), tmp -> Files.writeString(tmp, ""));
        }
        return log;
    }

    /** Keeps only complete lines of finished images, first occurrence of each row key. */
    private void recover() throws IOException {
        for (String line : completeLines(dir.resolve(DONE))) if (!line.isBlank()) done.add(line.strip());
        AtomicFiles.write(dir.resolve(DONE), tmp -> Files.writeString(tmp, String.join("\n", done) + (done.isEmpty() ? "" : "\n")));
        for (Table t : tables) {
            Path file = dir.resolve(t.file());
            List<String> lines = Files.exists(file) ? completeLines(file) : List.of();
            List<String> kept = new ArrayList<>();
            kept.add(t.header());
            Set<String> seen = new HashSet<>();
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i);
                String[] cells = line.split(",", -1);
                if (cells.length != t.columns() || !done.contains(cells[0])) continue;
                if (seen.add(line)) kept.add(line);
            }
            AtomicFiles.write(file, tmp -> Files.writeString(tmp, String.join("\n", kept) + "\n", StandardCharsets.UTF_8));
        }
    }

    /** A run file's text; bytes that are not UTF-8 (a damaged file, not a disk error) are refused in one line. */
    static String text(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidInputException(file + ": not UTF-8 text (a damaged run file; remove the run folder to compute it again)", e);
        }
    }

    /** Lines ended by a newline: a line torn by a kill is left out. */
    private static List<String> completeLines(Path file) throws IOException {
        String text = text(file);
        int end = text.lastIndexOf('\n');
        if (end < 0) return List.of();
        return List.of(text.substring(0, end).split("\n", -1));
    }

    public Path dir() {
        return dir;
    }

    /** The run's tables, {@link #SKIPPED} last. */
    public List<Table> tables() {
        return tables;
    }

    public boolean isDone(String id) {
        synchronized (done) {
            return done.contains(id);
        }
    }

    public int doneCount() {
        synchronized (done) {
            return done.size();
        }
    }

    /**
     * Records one finished image: its rows per table (by file name), then the id in done.txt.
     *
     * @throws IllegalStateException when the log is closed (a worker outliving its run is a bug, not a row to drop)
     */
    public void record(String id, Map<String, List<String>> rows) throws IOException {
        append(id, rows, Map.of(), true);
    }

    /**
     * As above, with the image's pictures: each file (a path relative to the run folder) is written atomically before
     * the rows, so a finished image has them all; a picture of an unfinished image is overwritten when it is redone.
     */
    public void record(String id, Map<String, List<String>> rows, Map<String, byte[]> files) throws IOException {
        append(id, rows, files, true);
    }

    private void append(String id, Map<String, List<String>> rows, Map<String, byte[]> files, boolean finished) throws IOException {
        synchronized (done) {
            if (closed) throw new IllegalStateException(dir + ": a row of " + id + " was recorded after its run folder was closed");
            if (RunFolder.shuttingDown()) return; // a run stopping (Ctrl-C): the next one computes this image again
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path file = dir.resolve(f.getKey()).normalize();
                if (!file.startsWith(dir.normalize())) throw new IllegalArgumentException(f.getKey() + ": a picture of " + id + " outside the run folder");
                byte[] bytes = f.getValue();
                AtomicFiles.write(file, tmp -> Files.write(tmp, bytes));
            }
            for (Table t : tables) {
                List<String> r = rows.getOrDefault(t.file(), List.of());
                for (String line : r) {
                    if (!line.startsWith(id + ",") || line.split(",", -1).length != t.columns()) {
                        throw new IllegalArgumentException(t.file() + ": row '" + line + "' does not fit " + t.header() + " for " + id);
                    }
                }
                if (!r.isEmpty()) appendSynced(dir.resolve(t.file()), String.join("\n", r) + "\n");
            }
            if (!finished) return;
            appendSynced(dir.resolve(DONE), id + "\n");
            done.add(id);
        }
    }

    /**
     * Records an image whose files are bad, with the one-line reason (commas are replaced). It is not done: a later
     * run on the folder tries it again (the file may have been fixed), and its row here is dropped then.
     */
    public void skip(String id, String reason) throws IOException {
        append(id, Map.of(SKIPPED.file(), List.of(id + "," + reason.replace(',', ';').replace('\n', ' '))), Map.of(), false);
    }

    private static void appendSynced(Path file, String text) throws IOException {
        try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.getFD().sync();
        }
    }

    /** Something that reads the tables, run while no image is being recorded (so it sees whole rows). */
    public interface Reader {
        void read() throws IOException;
    }

    public void whileQuiet(Reader reader) throws IOException {
        synchronized (done) {
            reader.read();
        }
    }

    /** Rewrites every table sorted by image id (rows of one image keep their order), so finished runs compare equal. */
    public void sortTables() throws IOException {
        synchronized (done) {
            for (Table t : tables) {
                Path file = dir.resolve(t.file());
                List<String> lines = completeLines(file);
                List<String> rows = new ArrayList<>(lines.subList(1, lines.size()));
                rows.sort(Comparator.comparing(line -> line.substring(0, line.indexOf(','))));
                List<String> out = new ArrayList<>();
                out.add(t.header());
                out.addAll(rows);
                AtomicFiles.write(file, tmp -> Files.writeString(tmp, String.join("\n", out) + "\n", StandardCharsets.UTF_8));
            }
        }
    }
}
