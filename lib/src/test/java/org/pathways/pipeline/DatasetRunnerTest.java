package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.LabelledImages;

/** The runner's error path with two workers, on a fake data set: the failure stops the run, models outlive every image. */
class DatasetRunnerTest {
    @TempDir
    Path tmp;

    private static final ResultLog.Table ROWS = new ResultLog.Table("rows.csv", "image_id,value");

    /** Ids 0..n-1 of 4 x 4 black images. */
    private static LabelledImages fakeData(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add(String.format("img%02d", i));
        return new LabelledImages() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public String location() {
                return "fake";
            }

            @Override
            public List<String> ids() {
                return ids;
            }

            @Override
            public List<String> labelNames() {
                return List.of("background");
            }

            @Override
            public LabelledImage load(String id) {
                return new LabelledImage(id, new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB), new int[16]);
            }
        };
    }

    @Test
    void aFailingImageStopsTheRunAndModelsCloseOnlyAfterEveryWorkerIsDone() throws Exception {
        LabelledImages data = fakeData(12);
        AtomicInteger processing = new AtomicInteger();
        AtomicBoolean closedWhileProcessing = new AtomicBoolean();
        AtomicInteger closed = new AtomicInteger();
        CountDownLatch slowStarted = new CountDownLatch(1);
        try (ResultLog log = ResultLog.open(tmp.resolve("run"), new JsonObject(), List.of(ROWS))) {
            RuntimeException e = assertThrows(IllegalStateException.class, () -> DatasetRunner.run(data, data.ids(), log, 2, () -> new DatasetRunner.ImageJob() {
                @Override
                public DatasetRunner.Outcome process(LabelledImages.LabelledImage sample) throws Exception {
                    processing.incrementAndGet();
                    try {
                        if (sample.id().equals("img01")) { // the slow image: still running when img00 fails
                            slowStarted.countDown();
                            Thread.sleep(1500);
                        }
                        if (sample.id().equals("img00")) {
                            assertTrue(slowStarted.await(10, TimeUnit.SECONDS));
                            throw new IllegalStateException("model failure on img00");
                        }
                        return new DatasetRunner.Outcome(Map.of(ROWS.file(), List.of(sample.id() + ",1")), "ok");
                    } finally {
                        processing.decrementAndGet();
                    }
                }

                @Override
                public void close() {
                    if (processing.get() > 0) closedWhileProcessing.set(true);
                    closed.incrementAndGet();
                }
            }, new PrintStream(java.io.OutputStream.nullOutputStream()), 0, null));
            assertEquals("model failure on img00", e.getMessage());
            assertFalse(closedWhileProcessing.get(), "a model was closed while a worker was still using it");
            assertEquals(2, closed.get(), "each worker's job closed once");
            List<String> done = Files.readAllLines(tmp.resolve("run").resolve(ResultLog.DONE));
            assertTrue(done.contains("img01"), "the image in progress finished (not interrupted) and was recorded: " + done);
            assertFalse(done.contains("img00"));
            assertTrue(done.size() < 12, "images not started were dropped: " + done);
        }
    }

    @Test
    void aRowRecordedAfterCloseIsAnError() throws Exception {
        ResultLog log = ResultLog.open(tmp.resolve("closed"), new JsonObject(), List.of(ROWS));
        log.close();
        assertThrows(IllegalStateException.class, () -> log.record("img00", Map.of(ROWS.file(), List.of("img00,1"))));
    }
}
