package io.spanloop.demo.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.qa.TrainingExample;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DemoDomainTest {

    @Test
    void shouldGenerateTheSameDataForTheSameSeed() {
        assertThat(DemoDomain.pretrainingExamples(50, 3))
                .isEqualTo(DemoDomain.pretrainingExamples(50, 3))
                .isNotEqualTo(DemoDomain.pretrainingExamples(50, 4));
        assertThat(DemoDomain.towns(5, 9, true)).isEqualTo(DemoDomain.towns(5, 9, true));
    }

    @Test
    void shouldMarkTheStatedValueAsTheAnswer() {
        List<DemoDomain.Town> towns = DemoDomain.towns(30, 5, false);
        for (DemoQuestion question :
                DemoDomain.questions(towns, List.of(FactType.values()), false, 5, "q")) {
            TrainingExample example = question.example();
            DemoDomain.Town town =
                    towns.stream()
                            .filter(t -> example.question().contains(t.name()))
                            .findFirst()
                            .orElseThrow();
            assertThat(example.answerText()).isEqualTo(town.facts().get(question.fact()));
            // the answer sits in a sentence about the asked town, not the neighbour's
            String sentence =
                    example.context()
                            .substring(
                                    example.context().lastIndexOf('.', example.start()) + 1,
                                    example.context().indexOf('.', example.end()));
            assertThat(sentence).contains(town.name());
        }
    }

    @Test
    void shouldKeepHeldOutTownsOutOfPretrainingAndTraining() {
        Set<String> heldOut =
                DemoDomain.towns(200, 1, true).stream()
                        .map(DemoDomain.Town::name)
                        .collect(Collectors.toSet());
        assertThat(heldOut).allMatch(Names::isHeldOut);
        assertThat(DemoDomain.towns(300, 2, false)).noneMatch(t -> Names.isHeldOut(t.name()));
        List<TrainingExample> corpora = new java.util.ArrayList<>();
        corpora.addAll(DemoDomain.pretrainingExamples(2000, 1));
        corpora.addAll(DemoDomain.readingPretrainingExamples(2000, 1));
        for (TrainingExample example : corpora) {
            for (String word : example.context().split("[^A-Za-z]+")) {
                if (!word.isEmpty() && Character.isUpperCase(word.charAt(0))) {
                    assertThat(heldOut).doesNotContain(word);
                }
            }
        }
    }

    @Test
    void shouldAskPretrainingQuestionsAboutKnownFactsInNormalWordingsOnly() {
        Set<String> knownTemplates =
                FactType.known().stream()
                        .flatMap(f -> f.questions().stream())
                        .collect(Collectors.toSet());
        for (TrainingExample example : DemoDomain.pretrainingExamples(2000, 1)) {
            // the town is the only capitalised word after the first
            String template = example.question().replaceAll("(?<= )[A-Z][a-z]+", "{town}");
            assertThat(knownTemplates).contains(template);
        }
    }

    @Test
    void shouldTeachTheTinyBaseToReadWithoutEverAskingANewFact() {
        Set<String> knownTemplates = templates(FactType.known());
        Set<String> readingTemplates = templates(List.of(ReadingFact.values()));
        int known = 0;
        int reading = 0;
        List<TrainingExample> corpus = DemoDomain.readingPretrainingExamples(2000, 1);
        assertThat(corpus).isEqualTo(DemoDomain.readingPretrainingExamples(2000, 1));
        for (TrainingExample example : corpus) {
            String template = example.question().replaceAll("(?<= )[A-Z][a-z]+", "{town}");
            if (knownTemplates.contains(template)) {
                known++;
            } else {
                assertThat(readingTemplates).contains(template);
                reading++;
            }
        }
        // half the questions keep the known facts' share of the corpus, the rest teach reading
        assertThat(known).isBetween(900, 1100);
        assertThat(reading).isEqualTo(2000 - known);
        assertThat(corpus).anyMatch(e -> e.context().contains("mayor"));
        assertThat(DemoDomain.pretrainingExamples(2000, 1))
                .noneMatch(e -> e.context().contains("mayor"));
    }

    @Test
    void shouldKeepTheNewFactsOutOfTheReadingFacts() {
        Set<String> reading = words(ReadingFact.vocabularyText());
        // neither what the new facts' questions and paraphrases ask for, nor any of their values
        // (a market-day sentence has "goods", a word of the product's paraphrase: the committed
        // base was pre-trained with it, so it stays)
        assertThat(reading)
                .doesNotContain("famous", "festival", "month", "flag", "colors", "banner");
        java.util.Random random = new java.util.Random(1);
        for (FactType fact : FactType.unseen()) {
            for (int i = 0; i < 200; i++) {
                Set<String> value = words(fact.randomValue(random, Names.training()));
                value.remove("and");
                assertThat(reading).doesNotContainAnyElementsOf(value);
            }
        }
    }

    private static Set<String> templates(List<? extends Fact> facts) {
        return facts.stream().flatMap(f -> f.questions().stream()).collect(Collectors.toSet());
    }

    private static Set<String> words(String text) {
        return java.util.Arrays.stream(text.toLowerCase(java.util.Locale.ROOT).split("[^a-z]+"))
                .filter(w -> !w.isEmpty())
                .collect(Collectors.toCollection(java.util.HashSet::new));
    }

    @Test
    void shouldAskParaphrasesOnlyWhenAskedTo() {
        List<DemoDomain.Town> towns = DemoDomain.towns(10, 5, true);
        assertThat(DemoDomain.questions(towns, List.of(FactType.values()), true, 1, "p"))
                .hasSize(70)
                .allMatch(DemoQuestion::paraphrase);
        assertThat(DemoDomain.questions(towns, FactType.known(), false, 1, "k"))
                .hasSize(40)
                .noneMatch(DemoQuestion::paraphrase);
    }
}
