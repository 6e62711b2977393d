package org.pathways.pipeline;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pathways.common.AtomicFiles;
import org.pathways.common.InvalidInputException;

/**
 * A run's folder: {@code run.json} pins its configuration (the same folder with another configuration is refused on
 * one line) and an OS file lock, {@code .run.lock}, keeps a second process out while one writes it (the OS drops the
 * lock when the process dies, {@code kill -9} included). Shared by the per-image runs ({@link ResultLog}) and the
 * data-set training.
 */
public final class RunFolder implements AutoCloseable {
    public static final String CONFIG = "run.json";
    public static final String LOCK = ".run.lock";

    /** Folders this JVM holds the lock of, with how many open users share it (a notebook may open a folder again). */
    private static final Map<Path, Holder> HELD = new java.util.HashMap<>();
    private static volatile boolean shuttingDown;

    private record Holder(FileChannel channel, FileLock lock, int[] users) {}

    static {
        // after Ctrl-C the JVM may finish work while exiting: runs must not record it as done (see ResultLog)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shuttingDown = true, "pathways-run-shutdown"));
    }

    private final Path dir;
    private final boolean resumed;
    private boolean closed;

    private RunFolder(Path dir, boolean resumed) {
        this.dir = dir;
        this.resumed = resumed;
    }

    /**
     * Opens {@code dir} for a run with {@code config}: a folder without run.json is set up (refused if it holds any of
     * {@code ownFiles}, which only a run writes), a folder of the same run is taken again ({@link #resumed()}), anything
     * else is refused with one line.
     */
    public static RunFolder open(Path dir, JsonObject config, List<String> ownFiles) throws IOException {
        Path configFile = dir.resolve(CONFIG);
        if (Files.isRegularFile(configFile)) {
            JsonObject previous;
            previous = org.pathways.common.JsonFiles.readObject(configFile);
            String difference = firstDifference(previous, config);
            if (difference != null) {
                throw new InvalidInputException(configFile + ": this folder holds a run with another configuration (" + difference
                        + "); choose another --out or remove the folder");
            }
            lock(dir);
            return new RunFolder(dir, true);
        }
        for (String f : ownFiles) {
            if (Files.exists(dir.resolve(f))) {
                throw new InvalidInputException(dir.resolve(f) + ": exists but " + CONFIG + " does not; not a Pathways run folder, choose another --out");
            }
        }
        Files.createDirectories(dir);
        lock(dir);
        String text = new GsonBuilder().setPrettyPrinting().create().toJson(config) + "\n";
        AtomicFiles.write(configFile, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
        return new RunFolder(dir, false);
    }

    public Path dir() {
        return dir;
    }

    /** Whether the folder held this run already (its work continues). */
    public boolean resumed() {
        return resumed;
    }

    /** Whether the JVM is shutting down (Ctrl-C): work finishing now must not be recorded as done. */
    public static boolean shuttingDown() {
        return shuttingDown;
    }

    private static String firstDifference(JsonObject before, JsonObject now) {
        Set<String> keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(now.keySet());
        for (String k : keys) {
            JsonElement a = before.get(k);
            JsonElement b = now.get(k);
            if (a == null || b == null || !a.equals(b)) return k + ": " + a + " before, " + b + " now";
        }
        return null;
    }

    /** Takes the folder's lock, or refuses with one line while another process holds it. */
    private static void lock(Path dir) throws IOException {
        Path key = dir.toAbsolutePath().normalize();
        synchronized (HELD) {
            Holder held = HELD.get(key);
            if (held != null) {
                held.users()[0]++;
                return;
            }
            FileChannel channel = FileChannel.open(key.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new InvalidInputException(dir + ": another Pathways run is writing this folder; wait for it to end (Ctrl-C stops it) and start again");
            }
            HELD.put(key, new Holder(channel, lock, new int[] {1}));
        }
    }

    /** Lets go of the folder (the lock goes when the last user in this JVM closes it). */
    @Override
    public void close() throws IOException {
        Path key = dir.toAbsolutePath().normalize();
        synchronized (HELD) {
            if (closed) return;
            closed = true;
            Holder held = HELD.get(key);
            if (held != null && --held.users()[0] == 0) {
                HELD.remove(key);
                held.lock().release();
                held.channel().close();
            }
        }
    }
}
