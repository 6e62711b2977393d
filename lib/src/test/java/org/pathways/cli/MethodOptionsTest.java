package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.pathways.pipeline.PerImage;
import picocli.CommandLine;

/** The command line's defaults are the options record's, and the schedules count what the paper and the code say. */
class MethodOptionsTest {
    private static PerImage.Options parsed(String... args) {
        SegmentCommand command = new SegmentCommand();
        new CommandLine(command).parseArgs(args);
        return command.method.options();
    }

    @Test
    void noOptionsGiveTheRecordsDefaults() {
        assertEquals(PerImage.Options.defaults(), parsed("x.png"));
    }

    @Test
    void schedulesAndSteps() {
        PerImage.Options paper = parsed("x.png");
        assertEquals("paper", paper.schedule().name());
        assertEquals(1000, paper.schedule().passesFor("clip-vitb16"), "paper App. B.2: 1000 for CLIP");
        assertEquals(2000, paper.schedule().passesFor("dino-vits16"), "2000 for the others");
        assertEquals(2000, paper.schedule().passesFor("mae-vitb16"));
        assertEquals(2000, paper.schedule().passesFor(null), "graphs of unknown origin count as 'others'");
        PerImage.Options authors = parsed("x.png", "--schedule", "authors");
        assertEquals(1300, authors.schedule().passesFor("clip-vitb16"), "the authors' train_steps default, for every model");
        PerImage.Options steps = parsed("x.png", "--schedule", "authors", "--steps", "40");
        assertEquals("custom", steps.schedule().name());
        assertEquals(40, steps.schedule().passesFor("clip-vitb16"));
        assertEquals(2.5, parsed("x.png", "--eig-weight", "2.5").weights().eig());
    }
}
