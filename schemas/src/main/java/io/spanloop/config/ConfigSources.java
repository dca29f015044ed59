package io.spanloop.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Layers a service's settings: the defaults of its {@link ConfigDef}, then an optional properties
 * file, then the environment ({@code <PREFIX>_<KEY>} with dots as underscores, e.g. {@code
 * SPANLOOP_ANSWERER_BATCH_MAX_SIZE} for {@code batch.max.size}). Keys under a pass-through prefix
 * (e.g. {@code streams.}) are kept as they are, so any client setting can be given.
 */
public final class ConfigSources {

    private ConfigSources() {}

    /**
     * The merged raw settings.
     *
     * @param definition the service's keys
     * @param envPrefix e.g. {@code SPANLOOP_ANSWERER}
     * @param passThroughPrefixes prefixes of keys not in the definition that are kept
     * @param file a properties file, or {@code null}
     * @param env the environment
     */
    public static Map<String, Object> load(
            ConfigDef definition,
            String envPrefix,
            Iterable<String> passThroughPrefixes,
            Path file,
            Map<String, String> env) {
        Map<String, Object> values = new HashMap<>();
        if (file != null) {
            values.putAll(readProperties(file));
        }
        String prefix = envPrefix + "_";
        for (Map.Entry<String, String> entry : env.entrySet()) {
            if (!entry.getKey().startsWith(prefix)) {
                continue;
            }
            String key = keyOf(definition, entry.getKey().substring(prefix.length()));
            if (key != null) {
                values.put(key, entry.getValue());
                continue;
            }
            String passThrough = passThroughKey(passThroughPrefixes, entry.getKey(), prefix);
            if (passThrough != null) {
                values.put(passThrough, entry.getValue());
            }
        }
        for (String key : values.keySet()) {
            if (!definition.names().contains(key) && !passesThrough(passThroughPrefixes, key)) {
                throw new ConfigException(
                        key, values.get(key), "unknown setting (see README for the known ones)");
            }
        }
        return values;
    }

    /** The environment variable that sets {@code key}. */
    public static String envName(String envPrefix, String key) {
        return envPrefix + "_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String keyOf(ConfigDef definition, String envSuffix) {
        for (String key : definition.names()) {
            if (envName("", key).substring(1).equals(envSuffix)) {
                return key;
            }
        }
        return null;
    }

    private static String passThroughKey(Iterable<String> prefixes, String envKey, String prefix) {
        String rest = envKey.substring(prefix.length());
        for (String passThrough : prefixes) {
            String envPassThrough = envName("", passThrough).substring(1);
            if (rest.startsWith(envPassThrough) && rest.length() > envPassThrough.length()) {
                return passThrough
                        + rest.substring(envPassThrough.length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '.');
            }
        }
        return null;
    }

    private static boolean passesThrough(Iterable<String> prefixes, String key) {
        for (String prefix : prefixes) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file, e);
        }
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
        return values;
    }

    /** Settings under {@code prefix}, with the prefix removed (e.g. {@code streams.*}). */
    public static Map<String, Object> withPrefix(Map<String, ?> originals, String prefix) {
        Map<String, Object> result = new HashMap<>();
        originals.forEach(
                (k, v) -> {
                    if (k.startsWith(prefix)) {
                        result.put(k.substring(prefix.length()), v);
                    }
                });
        return result;
    }
}
