package org.pathways.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.pathways.cli.Main;
import picocli.CommandLine;

/** Runs the {@code pathways} command in this JVM, as the launcher would, with its error output captured. */
public final class CommandLines {
    private CommandLines() {}

    /** @return the exit status; the one-line errors land in {@code err} */
    public static int run(List<String> args, StringWriter err) {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args.toArray(new String[0]));
    }
}
