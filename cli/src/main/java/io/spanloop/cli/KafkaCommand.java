package io.spanloop.cli;

import java.util.HashSet;
import java.util.Set;

/**
 * A command that talks to a running system: it also takes the {@link Connection} options (and lists
 * them in its help), and runs with the connection they, the environment or the local run's defaults
 * give.
 */
abstract class KafkaCommand extends Command {

    KafkaCommand(String name, String usage, Set<String> valueOptions, Set<String> flags) {
        super(name, usage + Connection.HELP, withConnection(valueOptions), flags);
    }

    private static Set<String> withConnection(Set<String> valueOptions) {
        Set<String> all = new HashSet<>(valueOptions);
        all.addAll(Connection.OPTIONS);
        return all;
    }

    /** Runs the command against {@code connection}; see {@link Command#run}. */
    abstract int run(CommandLine line, Connection connection, CliContext context);

    @Override
    final int run(CommandLine line, CliContext context) {
        return run(line, Connection.resolve(line, context.env()), context);
    }
}
