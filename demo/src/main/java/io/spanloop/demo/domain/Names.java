package io.spanloop.demo.domain;

import java.util.List;
import java.util.Random;

/**
 * Made-up names built from syllables, so no model can know them. Town names are split for good into
 * training names and held-out names by a fixed hash: a held-out town never appears in pre-training
 * or in a demo question that gets labelled, only in evaluation.
 */
final class Names {

    static final List<String> SYLLABLES =
            List.of(
                    "ka", "lo", "mir", "ven", "tor", "sa", "el", "dra", "qui", "nor", "bel", "zan",
                    "tha", "ri", "mo", "gal", "fen", "ur", "os", "pra", "lin", "dor", "vex", "ash");

    private final boolean heldOut;

    private Names(boolean heldOut) {
        this.heldOut = heldOut;
    }

    /** Names for training: never a held-out town name. */
    static Names training() {
        return new Names(false);
    }

    /** Names for evaluation: towns are always held-out names. */
    static Names heldOut() {
        return new Names(true);
    }

    /** Whether a town name belongs to the held-out part (about one in five). */
    static boolean isHeldOut(String name) {
        return Math.floorMod(name.hashCode() * 31 + 17, 5) == 0;
    }

    /** A town name of two or three syllables from this side of the split. */
    String town(Random random) {
        while (true) {
            String name = word(random, 2 + random.nextInt(2));
            if (isHeldOut(name) == heldOut) {
                return name;
            }
        }
    }

    /** A person: first and last name; in training never using a held-out town's name. */
    String person(Random random) {
        return other(random, 2) + " " + other(random, 2 + random.nextInt(2));
    }

    /** A river or other place; in training never a held-out town's name. */
    String place(Random random) {
        return other(random, 2);
    }

    private String other(Random random, int syllables) {
        while (true) {
            String name = word(random, syllables);
            if (heldOut || !isHeldOut(name)) {
                return name;
            }
        }
    }

    private static String word(Random random, int syllables) {
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < syllables; i++) {
            word.append(SYLLABLES.get(random.nextInt(SYLLABLES.size())));
        }
        return FactType.capitalize(word.toString());
    }
}
