package org.pathways.cli;

import java.io.PrintWriter;
import org.pathways.data.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pathways} command. */
@Command(name = "pathways", mixinStandardHelpOptions = true, version = "pathways " + org.pathways.pipeline.PerImage.VERSION,
        description = "Spectral clustering of layer-distributed neural representations (Zhang, Yunis, Maire, CVPR 2024).",
        footer = {"", "The launcher also has:",
            "  ./pathways test                 the test suite, notebooks included",
            "  ./pathways lab                  JupyterLab on notebooks/",
            "  ./pathways notebooks [--strip]  execute (or strip) notebooks headless",
            "  ./pathways build                build the library if sources changed"},
        subcommands = {DemoCommand.class, SegmentCommand.class, SpectralCommand.class, RunCommand.class, InspectCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Builds the command line with our error handling: bad input is one line on stderr and exit status 2. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable t = ex;
            while (t != null && !(t instanceof InvalidInputException)) t = t.getCause();
            PrintWriter err = commandLine.getErr();
            if (t != null) {
                err.println("pathways: error: " + t.getMessage());
                err.flush();
                return 2;
            }
            throw ex;
        });
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
