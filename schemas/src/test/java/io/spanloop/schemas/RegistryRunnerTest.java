package io.spanloop.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryRunnerTest {

    @Test
    void shouldExplainHowToGetTheRegistryWhenItsHomeIsMissing(@TempDir Path dir) {
        // Given
        Path missing = dir.resolve("apicurio-registry");

        // When / Then
        assertThatThrownBy(() -> RegistryRunner.runnerJar(missing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("unpack-registry");
    }

    @Test
    void shouldFindTheRunnerJarAtTheTopOfTheUnpackedDistribution(@TempDir Path home)
            throws Exception {
        // Given
        Files.createDirectories(home.resolve("lib"));
        Files.createFile(home.resolve("lib/io.quarkus.quarkus-bootstrap-runner-3.15.4.jar"));
        Path runner = Files.createFile(home.resolve("apicurio-registry-app-3.0.9-runner.jar"));

        // When / Then
        assertThat(RegistryRunner.runnerJar(home)).isEqualTo(runner);
    }

    @Test
    void shouldFindTheRunnerJarTheBuildUnpacked() {
        // Given: the build's unpack-registry execution, passed on as a system property
        Path home = Path.of(System.getProperty(RegistryRunner.HOME_PROPERTY));

        // When / Then
        assertThat(RegistryRunner.runnerJar(home))
                .isRegularFile()
                .hasFileName("apicurio-registry-app-3.0.9-runner.jar");
    }
}
