package dev.evently.localstack;

import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Injects the shared {@link AwsBackend} and its pieces into test constructors, test methods and lifecycle methods:
 * {@link AwsBackend}, {@link SqsClient}, {@link SnsClient}, {@link SqsAsyncClient}, {@link SnsAsyncClient},
 * {@link AwsFixtures} and {@link TestNames}.
 *
 * <p>{@link TestNames} is per test method: a {@code @BeforeEach} and the test it precedes get the same instance,
 * every other test another one. Injected into a constructor it is per test instance (per test method with the
 * default lifecycle, per class with {@code PER_CLASS}). The clients are shared: do not close them.
 *
 * <p>When no backend can be started, resolving a parameter fails the test with a message saying what to install.
 */
public final class LocalAwsExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalAwsExtension.class);
    private static final Set<Class<?>> TYPES = Set.of(AwsBackend.class, SqsClient.class, SnsClient.class,
            SqsAsyncClient.class, SnsAsyncClient.class, AwsFixtures.class, TestNames.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return TYPES.contains(parameterContext.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        if (type == TestNames.class) {
            return testNames(parameterContext, extensionContext);
        }
        AwsBackend backend;
        try {
            backend = AwsBackend.shared();
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
        if (type == AwsBackend.class) {
            return backend;
        } else if (type == SqsClient.class) {
            return backend.sqs();
        } else if (type == SnsClient.class) {
            return backend.sns();
        } else if (type == SqsAsyncClient.class) {
            return backend.sqsAsync();
        } else if (type == SnsAsyncClient.class) {
            return backend.snsAsync();
        } else if (type == AwsFixtures.class) {
            return AwsFixtures.of(backend);
        }
        throw new ParameterResolutionException("unsupported parameter type " + type.getName());
    }

    private static TestNames testNames(ParameterContext parameterContext, ExtensionContext context) {
        boolean constructor = parameterContext.getDeclaringExecutable() instanceof java.lang.reflect.Constructor;
        if (constructor || context.getTestMethod().isEmpty()) {
            return TestNames.random();
        }
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(TestNames.class, key -> TestNames.random(),
                TestNames.class);
    }
}
