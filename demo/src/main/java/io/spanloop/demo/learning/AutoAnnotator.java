package io.spanloop.demo.learning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spanloop.qa.TrainingExample;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A simulated annotator for the unattended demo: it reads the review queue through the labeler's
 * real HTTP API, as any API client would, and for each question it knows the gold answer of it
 * accepts the model's span when it is right and corrects it to the gold span when it is not. It
 * reviews its questions in the order they were asked (waiting for each to be answered), so that
 * every run labels the same questions in the same order whatever the timing. Questions it has no
 * gold answer for are left to people.
 */
public final class AutoAnnotator {

    /** What one review round did. */
    public record Round(int accepted, int corrected, int failed) {
        public int labelled() {
            return accepted + corrected;
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final URI labeler;
    private final String token;
    private final Map<String, TrainingExample> gold;
    private final List<String> order;
    private int next;

    /**
     * @param labeler the labeler's base URL, e.g. {@code http://127.0.0.1:8080/}
     * @param token the annotator's API token (sent as a bearer token)
     * @param gold the gold answer per question id, in the order the questions are asked
     */
    public AutoAnnotator(URI labeler, String token, Map<String, TrainingExample> gold) {
        this.labeler = labeler;
        this.token = token;
        this.gold = Map.copyOf(gold);
        this.order = List.copyOf(gold.keySet());
    }

    /** Reviews up to {@code max} queued questions it knows; throws when the API fails. */
    public Round reviewQueue(int max) throws IOException, InterruptedException {
        int accepted = 0;
        int corrected = 0;
        int failed = 0;
        if (max <= 0) {
            return new Round(0, 0, 0);
        }
        while (accepted + corrected < max && next < order.size()) {
            HttpResponse<String> found =
                    http.send(get("api/items/" + order.get(next)), bodyHandler());
            if (found.statusCode() == 404) {
                break; // not answered yet: the next round looks again
            }
            JsonNode item = expect(found, 200);
            if (!item.path("review").isNull() && !item.path("review").isMissingNode()) {
                next++; // already reviewed, e.g. by a person
                continue;
            }
            TrainingExample answer = gold.get(order.get(next));
            ObjectNode correction = json.createObjectNode();
            correction.put("questionId", answer.id());
            JsonNode best = item.path("best");
            boolean right =
                    !best.isMissingNode()
                            && !best.isNull()
                            && best.path("start").asInt() == answer.start()
                            && best.path("end").asInt() == answer.end();
            if (right) {
                correction.put("verdict", "ACCEPTED");
            } else {
                correction.put("verdict", "CORRECTED");
                correction.put("start", answer.start());
                correction.put("end", answer.end());
                correction.put("text", answer.answerText());
            }
            HttpResponse<String> response = http.send(post(correction), bodyHandler());
            if (response.statusCode() != 201) {
                failed++; // e.g. 503 while Kafka is unavailable: the item stays in the queue
                break;
            }
            next++;
            if (right) {
                accepted++;
            } else {
                corrected++;
            }
        }
        return new Round(accepted, corrected, failed);
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(labeler.resolve(path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
    }

    private HttpRequest post(ObjectNode body) throws IOException {
        return HttpRequest.newBuilder(labeler.resolve("api/corrections"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                .build();
    }

    private JsonNode expect(HttpResponse<String> response, int expected) throws IOException {
        HttpRequest request = response.request();
        if (response.statusCode() != expected) {
            throw new IOException(
                    request.method()
                            + " "
                            + request.uri()
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + response.body());
        }
        return json.readTree(response.body());
    }

    private static HttpResponse.BodyHandler<String> bodyHandler() {
        return HttpResponse.BodyHandlers.ofString();
    }
}
