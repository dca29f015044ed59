package io.spanloop.testkit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.opentest4j.TestAbortedException;

/**
 * JUnit 5 extension that injects a {@link KafkaEnvironment} (constructor or method parameter): one
 * broker and one registry per test JVM, started on first use and stopped when the run ends.
 *
 * <p>With {@code -Dspanloop.test.kafka=testcontainers} the broker runs in Docker; without a Docker
 * engine the tests are skipped.
 */
public final class KafkaEnvironmentExtension
        implements TestInstancePreConstructCallback,
                BeforeEachCallback,
                LifecycleMethodExecutionExceptionHandler,
                ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaEnvironmentExtension.class);

    // The assumption runs before anything can ask for the environment, per test where possible,
    // so each test is reported as skipped; inside a parameter resolver JUnit would turn it into
    // an error.
    @Override
    public void preConstructTestInstance(
            TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        assumeBackendAvailable();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        assumeBackendAvailable();
    }

    /** A static {@code @BeforeAll} method asking for the environment aborts its class instead. */
    @Override
    public void handleBeforeAllMethodExecutionException(
            ExtensionContext context, Throwable throwable) throws Throwable {
        if (throwable instanceof ParameterResolutionException
                && throwable.getCause() instanceof TestAbortedException aborted) {
            throw aborted;
        }
        throw throwable;
    }

    @Override
    public boolean supportsParameter(
            ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaEnvironment.class;
    }

    @Override
    public Object resolveParameter(
            ParameterContext parameterContext, ExtensionContext extensionContext) {
        return environment(extensionContext);
    }

    /** The JVM's shared environment, started if this is its first use. */
    public static KafkaEnvironment environment(ExtensionContext context) {
        assumeBackendAvailable();
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        KafkaEnvironment.class,
                        key -> KafkaEnvironment.start(),
                        KafkaEnvironment.class);
    }

    private static void assumeBackendAvailable() {
        if (KafkaEnvironment.usesTestcontainers()) {
            Assumptions.assumeTrue(
                    ContainerKafka.dockerAvailable(),
                    "spanloop.test.kafka=testcontainers but no Docker engine is available");
        }
    }
}
