package io.spanloop.demo.domain;

import io.spanloop.qa.TrainingExample;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The demo's generated domain: short articles about fictional towns, each stating a few facts in
 * varying order and wording, plus a filler sentence and a sentence about a neighbouring town (a
 * distractor with a different name), and questions about one of those facts. Deterministic for a
 * seed.
 *
 * <p>Pre-training asks only about {@link FactType#known()} facts (its articles may state any fact,
 * as the text a model is pre-trained on would) and, for the tiny base, the {@link ReadingFact}s,
 * with fresh training-side names for every example (which is what name-swap augmentation amounts
 * to) and the normal question templates. The demo asks about all facts of training-side towns;
 * evaluation uses held-out towns, and the paraphrase templates, which nothing is ever trained on.
 */
public final class DemoDomain {

    /** Fact sentences per article, the asked fact included. */
    static final int FACTS_PER_ARTICLE = 4;

    private static final List<String> FILLERS =
            List.of(
                    "The market square of {town} is paved with old stones.",
                    "Visitors often praise the quiet gardens of {town}.",
                    "A narrow road leads from {town} into the hills.",
                    "Most houses in {town} have red roofs.",
                    "The winters in {town} are long and dark.",
                    "Children in {town} learn to swim early.");

    private DemoDomain() {}

    /** A town and its facts. */
    public record Town(String name, Map<FactType, String> facts) {}

    /** {@code count} towns with every fact, from the training or the held-out side. */
    public static List<Town> towns(int count, long seed, boolean heldOut) {
        Random random = new Random(seed);
        Names names = heldOut ? Names.heldOut() : Names.training();
        Set<String> used = new LinkedHashSet<>();
        List<Town> towns = new ArrayList<>(count);
        while (towns.size() < count) {
            String name = names.town(random);
            if (!used.add(name)) {
                continue;
            }
            Map<FactType, String> facts = new EnumMap<>(FactType.class);
            for (FactType type : FactType.values()) {
                facts.put(type, type.randomValue(random, names));
            }
            towns.add(new Town(name, facts));
        }
        return towns;
    }

    /**
     * Pre-training examples: articles like the demo's (any fact may be stated, as in any text a
     * model is pre-trained on), but questions only about the known facts, so the base model never
     * learns to answer the others; a new training-side town for every example.
     */
    public static List<TrainingExample> pretrainingExamples(int count, long seed) {
        return pretrainingExamples(count, seed, List.of());
    }

    /**
     * The tiny base's pre-training: like {@link #pretrainingExamples}, but its articles also state
     * the {@link ReadingFact}s, and half of its questions ask about one of them, so the model
     * learns to read rather than four question templates. The new facts are never asked.
     */
    public static List<TrainingExample> readingPretrainingExamples(int count, long seed) {
        return pretrainingExamples(count, seed, List.of(ReadingFact.values()));
    }

    private static List<TrainingExample> pretrainingExamples(
            int count, long seed, List<ReadingFact> reading) {
        Random random = new Random(seed);
        Names names = Names.training();
        List<Fact> stated = new ArrayList<>(List.of(FactType.values()));
        stated.addAll(reading);
        List<TrainingExample> examples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = names.town(random);
            Map<Fact, String> facts = new LinkedHashMap<>();
            for (Fact type : stated) {
                facts.put(type, type.randomValue(random, names));
            }
            Fact asked =
                    reading.isEmpty() || random.nextBoolean()
                            ? FactType.pick(FactType.known(), random)
                            : FactType.pick(reading, random);
            String template = FactType.pick(asked.questions(), random);
            examples.add(article(name, facts, asked, template, stated, names, random, "pt" + i));
        }
        return examples;
    }

    /**
     * One question per (town, fact) pair over {@code facts}, in random order, asked with the normal
     * templates ({@code paraphrase=false}) or the held-out paraphrase templates.
     */
    public static List<DemoQuestion> questions(
            List<Town> towns,
            List<FactType> facts,
            boolean paraphrase,
            long seed,
            String idPrefix) {
        Random random = new Random(seed);
        Names names = Names.training();
        List<DemoQuestion> questions = new ArrayList<>();
        for (Town town : towns) {
            for (FactType fact : facts) {
                List<String> templates = paraphrase ? fact.paraphrases() : fact.questions();
                String template = FactType.pick(templates, random);
                questions.add(
                        new DemoQuestion(
                                article(
                                        town.name(),
                                        town.facts(),
                                        fact,
                                        template,
                                        List.of(FactType.values()),
                                        names,
                                        random,
                                        idPrefix + questions.size()),
                                fact,
                                paraphrase));
            }
        }
        java.util.Collections.shuffle(questions, random);
        return questions;
    }

    private static TrainingExample article(
            String town,
            Map<? extends Fact, String> facts,
            Fact asked,
            String questionTemplate,
            List<? extends Fact> stated,
            Names names,
            Random random,
            String id) {
        List<Fact> others = new ArrayList<>(stated);
        others.remove(asked);
        java.util.Collections.shuffle(others, random);
        List<Sentence> sentences = new ArrayList<>();
        sentences.add(Sentence.fact(town, asked, facts.get(asked), random, true));
        for (Fact other : others.subList(0, Math.min(FACTS_PER_ARTICLE - 1, others.size()))) {
            sentences.add(Sentence.fact(town, other, facts.get(other), random, false));
        }
        sentences.add(Sentence.filler(FactType.pick(FILLERS, random), town));
        String neighbour;
        do {
            neighbour = names.town(random);
        } while (neighbour.equals(town));
        Fact distractor = FactType.pick(stated, random);
        java.util.Collections.shuffle(sentences, random);
        sentences.add(
                random.nextInt(sentences.size() + 1),
                Sentence.fact(
                        neighbour,
                        distractor,
                        distractor.randomValue(random, names),
                        random,
                        false));
        StringBuilder context = new StringBuilder();
        int start = -1;
        int end = -1;
        for (Sentence sentence : sentences) {
            if (!context.isEmpty()) {
                context.append(' ');
            }
            if (sentence.answer()) {
                start = context.length() + sentence.valueStart();
                end = start + sentence.value().length();
            }
            context.append(sentence.text());
        }
        String question = questionTemplate.replace("{town}", town);
        return TrainingExample.answered(id, question, context.toString(), start, end);
    }

    private record Sentence(String text, String value, int valueStart, boolean answer) {

        static Sentence fact(String town, Fact type, String value, Random random, boolean answer) {
            String template = FactType.pick(type.statements(), random);
            String text = template.replace("{town}", town);
            int valueStart = text.indexOf("{value}");
            text = text.replace("{value}", value);
            return new Sentence(text, value, valueStart, answer);
        }

        static Sentence filler(String template, String town) {
            return new Sentence(template.replace("{town}", town), "", 0, false);
        }
    }

    /** Every word the domain's templates and values use, for the model's vocabulary. */
    public static List<String> vocabulary() {
        Set<String> words = new LinkedHashSet<>();
        StringBuilder text = new StringBuilder(FactType.vocabularyText());
        FILLERS.forEach(f -> text.append(' ').append(f));
        text.append(' ').append(ReadingFact.vocabularyText());
        text.append(" neighbour");
        for (String word : text.toString().toLowerCase(java.util.Locale.ROOT).split("[^a-z]+")) {
            if (!word.isEmpty() && !word.equals("value")) {
                words.add(word);
            }
        }
        return List.copyOf(words);
    }

    /**
     * The word pieces of a model made for the domain: every word of {@link #vocabulary()}, and each
     * name syllable both as a word start and as a continuation ({@code ##syllable}), so every
     * made-up town name tokenises into known pieces.
     */
    public static List<String> wordPieces() {
        List<String> pieces = new java.util.ArrayList<>(vocabulary());
        for (String syllable : Names.SYLLABLES) {
            pieces.add(syllable);
            pieces.add("##" + syllable);
        }
        return pieces;
    }
}
