package io.spanloop.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.KafkaException;

/**
 * The {@code spanloop} command line: {@code demo} and {@code pretrain} run the demo on this
 * machine; {@code ask}, {@code import} and {@code versions} talk to a running system (by default
 * the local run's) through plain Kafka clients. Every command's arguments go through one parser
 * ({@link CommandLine}).
 *
 * <p>Exit status: 0 success, 1 the command could not do its work (timeout, Kafka, registry, file),
 * 2 wrong arguments; {@code demo} also 3 (see its help).
 */
public final class Cli {

    /** The user commands' lines in the help. */
    static final String SUMMARY =
            """

            Talk to a running system (`spanloop COMMAND --help` lists a command's options):
              ask --question TEXT --context TEXT   ask one question, print its answer
              import FILE [--with-corrections]     produce a SQuAD JSON file's questions
                                                   (and its answers as corrections)
              versions [--once]                    print the model versions as they are published

            Bring a pretrained model (`spanloop model import --help`):
              model import --huggingface DIR | --onnx FILE --tokenizer FILE | --maven G:A:V
                           --out DIR                 write it as a model version directory
            """;

    private static final DemoCommand DEMO = new DemoCommand();

    private static final Map<String, Command> COMMANDS =
            Stream.of(
                            DEMO,
                            new PretrainCommand(),
                            new ModelCommand(),
                            new StudyCommand(),
                            new AskCommand(),
                            new ImportCommand(),
                            new VersionsCommand())
                    .collect(Collectors.toMap(Command::name, Function.identity()));

    private Cli() {}

    /** The help of {@code spanloop} itself: the demo's, which is what most people run. */
    static String usage() {
        return DEMO.usage();
    }

    /** Whether {@code command} is a command's name. */
    static boolean handles(String command) {
        return COMMANDS.containsKey(command);
    }

    /** The log configuration a command's process uses (stdout carries results or the demo). */
    static String logConfiguration(String command) {
        return switch (command) {
            case "demo" -> "log4j2-launcher.xml";
            case "pretrain" -> "log4j2.xml";
            case "study" -> "log4j2-launcher.xml";
            default -> "log4j2-cli.xml";
        };
    }

    /** Runs {@code args} (command first); returns the exit status. */
    public static int run(String[] args, CliContext context) {
        if (args.length == 0 || !handles(args[0])) {
            if (args.length > 0 && List.of("--help", "-h", "help").contains(args[0])) {
                context.out().print(usage());
                return 0;
            }
            context.err()
                    .println(
                            "spanloop: unknown command " + (args.length == 0 ? "(none)" : args[0]));
            context.err().print(usage());
            return 2;
        }
        Command command = COMMANDS.get(args[0]);
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (CommandLine.wantsHelp(rest)) {
            context.out().print(command.usage());
            return 0;
        }
        String prefix = "spanloop " + command.name() + ": ";
        try {
            CommandLine line = CommandLine.parse(rest, command.valueOptions(), command.flags());
            return command.run(line, context);
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
