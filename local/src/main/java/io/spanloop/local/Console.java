package io.spanloop.local;

/** The local run's lines on the console, marked as the launcher's (children log to files). */
public final class Console {

    private Console() {}

    public static void say(String line) {
        System.out.println("[spanloop] " + line);
        System.out.flush();
    }
}
