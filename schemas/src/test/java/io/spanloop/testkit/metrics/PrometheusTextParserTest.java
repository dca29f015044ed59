package io.spanloop.testkit.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrometheusTextParserTest {

    /** The example of the text format in Prometheus's "Exposition formats" page. */
    private static final String SPEC_EXAMPLE =
            """
            # HELP http_requests_total The total number of HTTP requests.
            # TYPE http_requests_total counter
            http_requests_total{method="post",code="200"} 1027 1395066363000
            http_requests_total{method="post",code="400"}    3 1395066363000

            # Escaping in label values:
            msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

            # Minimalistic line:
            metric_without_timestamp_and_labels 12.47

            # A weird metric from before the epoch:
            something_weird{problem="division by zero"} +Inf -3982045

            # A histogram, which has a pretty complex representation in the text format:
            # HELP http_request_duration_seconds A histogram of the request duration.
            # TYPE http_request_duration_seconds histogram
            http_request_duration_seconds_bucket{le="0.05"} 24054
            http_request_duration_seconds_bucket{le="0.1"} 33444
            http_request_duration_seconds_bucket{le="0.2"} 100392
            http_request_duration_seconds_bucket{le="0.5"} 129389
            http_request_duration_seconds_bucket{le="1"} 133988
            http_request_duration_seconds_bucket{le="+Inf"} 144320
            http_request_duration_seconds_sum 53423
            http_request_duration_seconds_count 144320

            # Finally a summary, which has a complex representation, too:
            # HELP rpc_duration_seconds A summary of the RPC duration in seconds.
            # TYPE rpc_duration_seconds summary
            rpc_duration_seconds{quantile="0.01"} 3102
            rpc_duration_seconds{quantile="0.05"} 3272
            rpc_duration_seconds{quantile="0.5"} 4773
            rpc_duration_seconds{quantile="0.9"} 9001
            rpc_duration_seconds{quantile="0.99"} 76656
            rpc_duration_seconds_sum 1.7560473e+07
            rpc_duration_seconds_count 2693
            """;

    @Test
    void shouldReadTheSpecificationsExample() {
        Exposition exposition = PrometheusTextParser.parse(SPEC_EXAMPLE);

        assertThat(exposition.families())
                .extracting(MetricFamily::name)
                .containsExactly(
                        "http_requests_total",
                        "msdos_file_access_time_seconds",
                        "metric_without_timestamp_and_labels",
                        "something_weird",
                        "http_request_duration_seconds",
                        "rpc_duration_seconds");
        MetricFamily requests = exposition.family("http_requests_total").orElseThrow();
        assertThat(requests.type()).isEqualTo(MetricFamily.Type.COUNTER);
        assertThat(requests.help()).isEqualTo("The total number of HTTP requests.");
        assertThat(requests.samples())
                .containsExactly(
                        new Sample(
                                "http_requests_total",
                                Map.of("method", "post", "code", "200"),
                                1027,
                                OptionalLong.of(1395066363000L)),
                        new Sample(
                                "http_requests_total",
                                Map.of("method", "post", "code", "400"),
                                3,
                                OptionalLong.of(1395066363000L)));
        assertThat(exposition.sum("http_requests_total", Map.of("method", "post"))).isEqualTo(1030);
        Sample msdos =
                exposition.family("msdos_file_access_time_seconds").orElseThrow().samples().get(0);
        assertThat(msdos.labels())
                .containsEntry("path", "C:\\DIR\\FILE.TXT")
                .containsEntry("error", "Cannot find file:\n\"FILE.TXT\"");
        assertThat(msdos.value()).isEqualTo(1.458255915e9);
        assertThat(exposition.family("msdos_file_access_time_seconds").orElseThrow().type())
                .isEqualTo(MetricFamily.Type.UNTYPED);
        assertThat(exposition.value("metric_without_timestamp_and_labels")).isEqualTo(12.47);
        Sample weird = exposition.samples("something_weird", Map.of()).get(0);
        assertThat(weird.value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(weird.timestamp()).hasValue(-3982045);
        MetricFamily histogram = exposition.family("http_request_duration_seconds").orElseThrow();
        assertThat(histogram.type()).isEqualTo(MetricFamily.Type.HISTOGRAM);
        assertThat(histogram.samples()).hasSize(8);
        assertThat(exposition.value("http_request_duration_seconds_bucket", Map.of("le", "0.2")))
                .isEqualTo(100392);
        assertThat(exposition.value("http_request_duration_seconds_count")).isEqualTo(144320);
        MetricFamily summary = exposition.family("rpc_duration_seconds").orElseThrow();
        assertThat(summary.type()).isEqualTo(MetricFamily.Type.SUMMARY);
        assertThat(exposition.value("rpc_duration_seconds_sum")).isEqualTo(1.7560473e+07);
        assertThat(exposition.value("rpc_duration_seconds", Map.of("quantile", "0.99")))
                .isEqualTo(76656);
    }

    @Test
    void shouldAcceptBlanksTabsATrailingCommaAndNoText() {
        Exposition exposition =
                PrometheusTextParser.parse(
                        "  # TYPE a gauge\n\ta { x = \"1\" , y=\"}\\\"\", }\t-1.5e-3  \nb NaN\n");
        assertThat(exposition.value("a", Map.of("x", "1", "y", "}\""))).isEqualTo(-1.5e-3);
        assertThat(exposition.value("b")).isNaN();
        assertThat(PrometheusTextParser.parse("").families()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    no line feed at the end        | a 1                                         | last line
                    bad metric name                | 1a 1\\n                                      | bad metric name
                    bad label name                 | a{1x="1"} 1\\n                               | bad label name
                    unknown escape in a label      | a{x="\\\\t"} 1\\n                             | bad escape
                    unterminated label value       | a{x="1} 1\\n                                 | unterminated
                    label without a quoted value   | a{x=1} 1\\n                                  | expected
                    label twice                    | a{x="1",x="2"} 1\\n                          | twice in one sample
                    value no Go float              | a 0x10\\n                                    | no float
                    Java-only float suffix         | a 1d\\n                                      | no float
                    missing value                  | a\\n                                         | no float
                    timestamp no integer           | a 1 1.5\\n                                   | no integer
                    text after the timestamp       | a 1 2 3\\n                                   | after the timestamp
                    unknown type                   | # TYPE a meter\\na 1\\n                       | unknown metric type
                    upper-case type                | # TYPE a COUNTER\\na 1\\n                     | unknown metric type
                    TYPE without a type            | # TYPE a\\n                                  | exactly
                    second TYPE                    | # TYPE a gauge\\n# TYPE a gauge\\na 1\\n      | second TYPE
                    second HELP                    | # HELP a x\\n# HELP a y\\na 1\\n              | second HELP
                    bad escape in HELP             | # HELP a x\\\\y\\na 1\\n                      | in HELP
                    TYPE after samples             | a 1\\n# TYPE a gauge\\n                       | after its samples
                    family in two groups           | a 1\\nb 1\\na{x="1"} 2\\n                     | one group
                    same series twice              | a{x="1"} 1\\na{x="1"} 2\\n                    | twice
                    bucket without le              | # TYPE h histogram\\nh_bucket 1\\nh_count 1\\n | without an le
                    histogram without +Inf         | # TYPE h histogram\\nh_bucket{le="1"} 1\\nh_count 1\\n | +Inf
                    buckets out of order           | # TYPE h histogram\\nh_bucket{le="2"} 1\\nh_bucket{le="1"} 1\\nh_bucket{le="+Inf"} 1\\nh_count 1\\n | increasing order
                    bucket counts falling          | # TYPE h histogram\\nh_bucket{le="1"} 2\\nh_bucket{le="+Inf"} 1\\nh_count 1\\n | fall
                    count not the +Inf bucket      | # TYPE h histogram\\nh_bucket{le="+Inf"} 2\\nh_count 1\\n | _count
                    histogram sample no suffix     | # TYPE h histogram\\nh 1\\n                   | without a suffix
                    quantile missing               | # TYPE s summary\\ns 1\\n                     | without a quantile
                    quantiles out of order         | # TYPE s summary\\ns{quantile="0.9"} 1\\ns{quantile="0.5"} 1\\n | increasing order
                    """)
    void shouldRejectWhatTheFormatForbids(String rule, String text, String message) {
        String scrape = text.replace("\\n", "\n").replace("\\\\", "\\");
        assertThatThrownBy(() -> PrometheusTextParser.parse(scrape))
                .as(rule)
                .isInstanceOf(ExpositionFormatException.class)
                .hasMessageContaining(message);
    }
}
