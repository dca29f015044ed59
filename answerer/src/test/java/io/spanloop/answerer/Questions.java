package io.spanloop.answerer;

import io.spanloop.events.Question;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Questions for tests: plain, long (several windows) and unicode contexts. */
public final class Questions {

    private static final String[] CONTEXTS = {
        "The capital of France is Paris. It is a large city on the river Seine.",
        "Party 🎉 time: the king 👑 of Paris said 😀 hello to the queen of rome.",
        "東京は日本の首都です。The capital of Japan is Tokyo, a very large city.",
        "Cafe\u0301 crème in Zürich\r\nand then\r\nrome, the capital of italy.",
    };

    private Questions() {}

    public static Question question(String id, String question, String context) {
        return Question.newBuilder()
                .setId(id)
                .setQuestion(question)
                .setContext(context)
                .setSubmittedAt(Instant.now())
                .setAttributes(Map.of())
                .build();
    }

    public static String longContext(int sentences) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            text.append("The river ")
                    .append(i % 4 == 0 ? "😀 " : "")
                    .append("number ")
                    .append(i)
                    .append(" of rome is long. ");
        }
        return text.toString();
    }

    /** {@code count} valid questions with ids {@code prefix-0..}; every 7th has a long context. */
    public static List<Question> mixed(String prefix, int count) {
        List<Question> questions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String context = i % 7 == 3 ? longContext(60) : CONTEXTS[i % CONTEXTS.length];
            questions.add(question(prefix + "-" + i, "What is the capital city?", context));
        }
        return questions;
    }
}
