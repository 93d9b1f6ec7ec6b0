package dev.evently.localstack;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against the shared local SNS/SQS backend: shorthand for
 * {@code @ExtendWith(LocalAwsExtension.class)}. See {@link LocalAwsExtension} for what can be injected.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(LocalAwsExtension.class)
public @interface LocalAws {
}
