package io.spanloop.cli;

import java.util.Set;

/** One {@code spanloop} command: its options, its help and what it does. */
interface Command {

    /** The command's name on the command line. */
    String name();

    /** The full help text. */
    String usage();

    /** Its options that take a value. */
    Set<String> valueOptions();

    /** Its options that take no value. */
    Set<String> flags();

    /**
     * Runs the command.
     *
     * @return the exit status (0 success, 1 failure, or a documented other one)
     * @throws UsageException when the arguments are wrong (exit status 2)
     * @throws CommandFailedException when the work could not be done (exit status 1)
     */
    int run(CommandLine line, CliContext context);
}
