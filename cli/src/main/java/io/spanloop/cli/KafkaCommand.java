package io.spanloop.cli;

/**
 * A command that talks to a running system: it also takes the {@link Connection} options, and runs
 * with the connection they (or the environment, or the local run's defaults) give.
 */
interface KafkaCommand extends Command {

    /** Runs the command against {@code connection}; see {@link Command#run}. */
    int run(CommandLine line, Connection connection, CliContext context);

    @Override
    default int run(CommandLine line, CliContext context) {
        return run(line, Connection.resolve(line, context.env()), context);
    }
}
