package io.spanloop.cli;

import java.util.Set;

/** One {@code spanloop} command: its name, help and options, and what it does. */
abstract class Command {

    private final String name;
    private final String usage;
    private final Set<String> valueOptions;
    private final Set<String> flags;

    /**
     * @param name the command's name on the command line
     * @param usage its full help text
     * @param valueOptions its options that take a value
     * @param flags its options that take no value
     */
    Command(String name, String usage, Set<String> valueOptions, Set<String> flags) {
        this.name = name;
        this.usage = usage;
        this.valueOptions = Set.copyOf(valueOptions);
        this.flags = Set.copyOf(flags);
    }

    String name() {
        return name;
    }

    String usage() {
        return usage;
    }

    Set<String> valueOptions() {
        return valueOptions;
    }

    Set<String> flags() {
        return flags;
    }

    /**
     * Runs the command.
     *
     * @return the exit status (0 success, 1 failure, or a documented other one)
     * @throws UsageException when the arguments are wrong (exit status 2)
     * @throws CommandFailedException when the work could not be done (exit status 1)
     */
    abstract int run(CommandLine line, CliContext context);
}
