package org.pathways.cli;

import java.io.PrintWriter;
import org.pathways.common.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pathways} command. */
@Command(name = "pathways", mixinStandardHelpOptions = true, version = "pathways " + org.pathways.pipeline.PerImage.VERSION,
        description = "Spectral clustering of layer-distributed neural representations (Zhang, Yunis, Maire, CVPR 2024).",
        footer = {"", "The launcher also has:",
            "  ./pathways test                 the test suite, notebooks included",
            "  ./pathways test --fuzz [N]      the file readers' fuzz properties, N cases each from fresh seeds",
            "  ./pathways lab                  JupyterLab on notebooks/",
            "  ./pathways notebooks [--strip]  execute (or strip) notebooks headless",
            "  ./pathways build                build the library if sources changed"},
        subcommands = {DemoCommand.class, SegmentCommand.class, SpectralCommand.class, InstancesCommand.class, DatasetCommand.class, RunCommand.class, InspectCommand.class, BenchCommand.class, CocoEvalCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Builds the command line with our error handling: bad input (an unknown option, a value that does not parse, an
     * {@link InvalidInputException}) is one line on stderr and exit status 2; a file that cannot be read at all (a
     * disk or permission error) is one line and exit status 1.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine command = ex.getCommandLine();
            String name = command.getCommandSpec().qualifiedName(" ").replaceFirst("^pathways ?", "");
            PrintWriter err = command.getErr();
            err.println("pathways: error: " + oneLine(ex.getMessage()) + " (see ./pathways " + (name.isEmpty() ? "" : name + " ") + "--help)");
            err.flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            Throwable bad = cause(ex, InvalidInputException.class);
            if (bad != null) {
                err.println("pathways: error: " + oneLine(bad.getMessage()));
                err.flush();
                return 2;
            }
            Throwable oom = cause(ex, OutOfMemoryError.class);
            if (oom != null) {
                err.println("pathways: error: " + outOfMemory((OutOfMemoryError) oom));
                err.flush();
                return 1;
            }
            Throwable io = cause(ex, java.io.UncheckedIOException.class);
            if (io != null) {
                err.println("pathways: error: " + oneLine(io.getMessage()));
                err.flush();
                return 1;
            }
            throw ex;
        });
        return cli;
    }

    private static Throwable cause(Throwable t, Class<? extends Throwable> type) {
        while (t != null && !type.isInstance(t)) t = t.getCause();
        return t;
    }

    /** Messages are meant to be one line; a multi-line one (from a library) is joined. */
    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) { // one line, not a stack trace: say what to change
            System.err.println("pathways: error: " + outOfMemory(e));
            code = 1;
        }
        System.exit(code);
    }

    /** The message for a Java heap exhausted by large graphs (dense attention of a fine grid, e.g. ViT-B/8 at 480). */
    static String outOfMemory(OutOfMemoryError e) {
        return "out of memory (" + e.getMessage() + ", Java heap at most " + Runtime.getRuntime().maxMemory() / (1 << 20)
                + " MiB): the graphs are too large to hold densely; try --graph-top-k K (e.g. 64), a smaller input, or more heap with PATHWAYS_JAVA_OPTS=-Xmx<size>";
    }
}
