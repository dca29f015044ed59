package io.spanloop.config;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/** Renders a service's settings as the Markdown table the README carries (tests compare them). */
public final class ConfigDocs {

    private ConfigDocs() {}

    public static String markdownTable(ConfigDef definition, String envPrefix) {
        StringBuilder table = new StringBuilder();
        table.append("| key | environment variable | type | default | description |\n");
        table.append("|---|---|---|---|---|\n");
        List<ConfigDef.ConfigKey> keys =
                definition.configKeys().values().stream().collect(Collectors.toList());
        for (ConfigDef.ConfigKey key : keys) {
            table.append("| `")
                    .append(key.name)
                    .append("` | `")
                    .append(ConfigSources.envName(envPrefix, key.name))
                    .append("` | ")
                    .append(key.type.name().toLowerCase(Locale.ROOT))
                    .append(" | ")
                    .append(defaultValue(key))
                    .append(" | ")
                    .append(key.documentation.replace("|", "\\|").replace("\n", " "))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static String defaultValue(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value instanceof Password password) {
            value = password.value().isEmpty() ? "" : "(hidden)";
        }
        if (value == null || value.toString().isEmpty()) {
            return "(none)";
        }
        return "`" + ConfigDef.convertToString(value, key.type) + "`";
    }
}
