package io.spanloop.bench;

import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.ScoredSpan;
import io.spanloop.events.TokenScores;
import io.spanloop.events.Verdict;
import io.spanloop.schemas.ProbabilityBytes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Answers as the answerer writes them for the demo (a paragraph of context, three candidates, token
 * scores), with random confidence, and corrections of some of them.
 */
final class BenchAnswers {

    private static final String[] WORDS = {
        "the", "town", "of", "Kalomir", "lies", "on", "river", "Dorash", "and", "was", "founded",
        "in", "1642", "by", "Mirela", "Vostan", "its", "people", "are", "famous", "for", "glass",
        "festival", "held", "every", "May", "flag", "is", "green", "white", "neighbouring"
    };

    private final Random random;

    BenchAnswers(long seed) {
        this.random = new Random(seed);
    }

    static String id(int i) {
        return String.format("bench-%07d", i);
    }

    Answer answer(int i) {
        StringBuilder context = new StringBuilder();
        List<Integer> starts = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        for (int word = 0; word < 60; word++) {
            if (word > 0) {
                context.append(word % 12 == 11 ? ". " : " ");
            }
            starts.add(context.length());
            context.append(WORDS[random.nextInt(WORDS.length)]);
            ends.add(context.length());
        }
        List<ScoredSpan> candidates = new ArrayList<>();
        double remaining = 1.0;
        for (int c = 0; c < 3; c++) {
            int token = random.nextInt(starts.size());
            double score = remaining * (0.3 + 0.6 * random.nextDouble());
            remaining -= score;
            candidates.add(
                    new ScoredSpan(
                            starts.get(token),
                            ends.get(token),
                            context.substring(starts.get(token), ends.get(token)),
                            score));
        }
        return Answer.newBuilder()
                .setQuestionId(id(i))
                .setQuestion("What is asked about " + WORDS[random.nextInt(WORDS.length)] + "?")
                .setContext(context.toString())
                .setBest(candidates.get(0))
                .setCandidates(candidates)
                .setNoAnswerScore(remaining)
                .setModelName("demo-minilm")
                .setModelVersion(1 + random.nextInt(3))
                .setAnsweredAt(Instant.now())
                .setInferenceMicros(60_000)
                .setBatchSize(16)
                .setTokenScores(
                        new TokenScores(
                                starts,
                                ends,
                                probabilities(starts.size()),
                                probabilities(starts.size())))
                .build();
    }

    Correction accepted(Answer answer) {
        ScoredSpan best = answer.getBest();
        return Correction.newBuilder()
                .setQuestionId(answer.getQuestionId())
                .setQuestion(answer.getQuestion())
                .setContext(answer.getContext())
                .setVerdict(Verdict.ACCEPTED)
                .setSpan(
                        new io.spanloop.events.Span(best.getStart(), best.getEnd(), best.getText()))
                .setPredicted(best)
                .setModelName(answer.getModelName())
                .setModelVersion(answer.getModelVersion())
                .setAnnotator("bench")
                .setCorrectedAt(Instant.now())
                .build();
    }

    private java.nio.ByteBuffer probabilities(int tokens) {
        float[] probabilities = new float[tokens];
        for (int t = 0; t < tokens; t++) {
            probabilities[t] = random.nextFloat() * random.nextFloat();
        }
        return ProbabilityBytes.encode(probabilities);
    }
}
