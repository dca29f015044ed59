package io.spanloop.bench;

import java.util.function.Function;

/**
 * What every benchmark's {@code main} does around its run: {@code --help}, options parsed with a
 * usage message and exit code 2 on a bad one, the run's status (1 on any exception) as the exit
 * code.
 */
final class BenchMain {

    /** One benchmark run; its return value is the exit status. */
    interface Body<O> {
        int run(O options) throws Exception;
    }

    private BenchMain() {}

    static <O> void run(String[] args, String usage, Function<String[], O> parse, Body<O> body) {
        if (BenchOptions.wantsHelp(args)) {
            System.out.print(usage);
            return;
        }
        O options;
        try {
            options = parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage() + "\n");
            System.err.print(usage);
            System.exit(2);
            return;
        }
        int status;
        try {
            status = body.run(options);
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        // leftover non-daemon client threads must not keep the JVM alive
        System.exit(status);
    }
}
