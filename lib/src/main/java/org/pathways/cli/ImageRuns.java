package org.pathways.cli;

import java.util.List;
import org.pathways.common.InvalidInputException;
import org.pathways.pipeline.DatasetRunner;
import picocli.CommandLine;

/**
 * The work of a {@code run} over images rebuilt from its command line, where a distributed engine's executor needs it:
 * the arguments are parsed as the command's own JVM parsed them, and the command says how to read an image and how
 * to make a job, without opening the run folder.
 */
public final class ImageRuns {
    /** A {@code run} subcommand whose images may be processed elsewhere. */
    interface Command {
        /** The run's work; checks the options as the run does (one-line errors), writes nothing but a sample set. */
        DatasetRunner.Work<?> work();
    }

    private ImageRuns() {}

    /** The work of {@code pathways <commandLine>}, e.g. {@code run per-image --dataset voc ...}. */
    public static DatasetRunner.Work<?> work(List<String> commandLine) {
        CommandLine.ParseResult parsed;
        try {
            parsed = Main.commandLine().parseArgs(commandLine.toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            throw new InvalidInputException(e.getMessage());
        }
        while (parsed.hasSubcommand()) parsed = parsed.subcommand();
        if (!(parsed.commandSpec().userObject() instanceof Command command)) {
            throw new InvalidInputException("'" + String.join(" ", commandLine) + "' is not a run over images (run per-image, open-vocab or instances)");
        }
        return command.work();
    }
}
