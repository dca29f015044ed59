package io.spanloop.local.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.KafkaException;

/**
 * The user commands of {@code spanloop}: {@code ask}, {@code import}, {@code versions}. They talk
 * to a running system (by default the local run's) through plain Kafka clients.
 *
 * <p>Exit status: 0 success, 1 the command could not do its work (timeout, Kafka, registry, file),
 * 2 wrong arguments.
 */
public final class Cli {

    /** The commands' lines in the launcher's usage text. */
    public static final String SUMMARY =
            """

            Talk to a running system (`spanloop COMMAND --help` lists a command's options):
              ask --question TEXT --context TEXT   ask one question, print its answer
              import FILE [--with-corrections]     produce a SQuAD JSON file's questions
                                                   (and its answers as corrections)
              versions [--once]                    print the model versions as they are published
            """;

    private static final Map<String, Command> COMMANDS =
            Stream.of(new AskCommand(), new ImportCommand(), new VersionsCommand())
                    .collect(Collectors.toMap(Command::name, Function.identity()));

    /** Held so that its level sticks (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger APICURIO_JUL =
            java.util.logging.Logger.getLogger("io.apicurio");

    private Cli() {}

    /** Whether {@code command} is one of these commands. */
    public static boolean handles(String command) {
        return COMMANDS.containsKey(command);
    }

    /**
     * Runs {@code args} (command first) as this process: its standard streams and environment, the
     * standard topics, and only errors logged (to stderr) so that stdout carries the results.
     */
    public static int launch(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-cli.xml");
        }
        // the registry client's java.util.logging notices (e.g. about its Vert.x instance)
        APICURIO_JUL.setLevel(java.util.logging.Level.SEVERE);
        return run(args, CliContext.system());
    }

    /** Runs {@code args} (command first); returns the exit status. */
    public static int run(String[] args, CliContext context) {
        Command command = args.length == 0 ? null : COMMANDS.get(args[0]);
        if (command == null) {
            context.err()
                    .println(
                            "spanloop: unknown command " + (args.length == 0 ? "(none)" : args[0]));
            return 2;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (CommandLine.wantsHelp(rest)) {
            context.out().print(command.usage());
            context.out().print(Connection.HELP);
            return 0;
        }
        String prefix = "spanloop " + command.name() + ": ";
        try {
            Set<String> valueOptions = new HashSet<>(command.valueOptions());
            valueOptions.addAll(Connection.OPTIONS);
            CommandLine line = CommandLine.parse(rest, valueOptions, command.flags());
            Connection connection = Connection.resolve(line, context.env());
            return command.run(line, connection, context);
        } catch (UsageException e) {
            context.err().println(prefix + e.getMessage());
            context.err().println("(`spanloop " + command.name() + " --help` lists the options)");
            return 2;
        } catch (CommandFailedException e) {
            context.err().println(prefix + e.getMessage());
            return 1;
        } catch (KafkaException e) {
            context.err().println(prefix + "Kafka client failed: " + describe(e));
            return 1;
        } finally {
            context.out().flush();
            context.err().flush();
        }
    }

    /** Why a file could not be read, for a person to read. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        return describe((Throwable) e);
    }

    /**
     * An exception and its causes for a person to read: each message once, leaving out wrappers
     * whose message is just their cause's {@code toString()}.
     */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth < 10; t = t.getCause(), depth++) {
            String message = t.getMessage();
            Throwable cause = t.getCause();
            if (message == null
                    || (cause != null && message.equals(cause.toString()))
                    || text.indexOf(message) >= 0) {
                continue;
            }
            text.append(text.isEmpty() ? "" : ": ").append(message);
        }
        return text.isEmpty() ? e.getClass().getSimpleName() : text.toString();
    }
}
