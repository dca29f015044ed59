package io.spanloop.cli;

/**
 * The {@code spanloop} command (what the {@code ./spanloop} script runs): see {@link Cli}. It sets
 * the command's logging before anything logs, runs it as this process and exits with its status.
 */
public final class Spanloop {

    /** Held so that its level sticks (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger APICURIO_JUL =
            java.util.logging.Logger.getLogger("io.apicurio");

    private Spanloop() {}

    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty(
                    "log4j2.configurationFile",
                    Cli.logConfiguration(args.length == 0 ? "" : args[0]));
        }
        // the registry client's java.util.logging notices (e.g. about its Vert.x instance)
        APICURIO_JUL.setLevel(java.util.logging.Level.SEVERE);
        System.exit(Cli.run(args, CliContext.system()));
    }
}
