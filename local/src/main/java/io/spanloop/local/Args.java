package io.spanloop.local;

/** Option values of the launcher's commands, with the errors a user can act on. */
public final class Args {

    private Args() {}

    /** The value after option {@code args[i - 1]}. */
    public static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** The value after option {@code args[i - 1]} as a number > 0. */
    public static int positive(String[] args, int i) {
        String value = value(args, i);
        try {
            int n = Integer.parseInt(value);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[i - 1] + " needs a positive number: " + value);
        }
    }
}
