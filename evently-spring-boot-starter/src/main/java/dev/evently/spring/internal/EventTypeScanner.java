package dev.evently.spring.internal;

import dev.evently.event.EventTypes;
import dev.evently.spring.EventType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/** Builds {@link EventTypes} from the {@link EventType} records found in some packages. */
public final class EventTypeScanner {
  private EventTypeScanner() {}

  /**
   * @throws IllegalArgumentException naming the class when an annotated class is not a record or
   *     its name is malformed or taken twice
   */
  public static EventTypes scan(Collection<String> packages, ClassLoader classLoader) {
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(false) {
          @Override
          protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
            return definition.getMetadata().isIndependent();
          }
        };
    scanner.addIncludeFilter(new AnnotationTypeFilter(EventType.class));
    List<Class<?>> classes = new ArrayList<>();
    for (String pkg : packages) {
      for (BeanDefinition candidate : scanner.findCandidateComponents(pkg)) {
        Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), classLoader);
        if (!classes.contains(type)) {
          classes.add(type);
        }
      }
    }
    classes.sort(Comparator.comparing(Class::getName));
    EventTypes.Builder builder = EventTypes.builder();
    for (Class<?> type : classes) {
      builder.register(type.getAnnotation(EventType.class).value(), type);
    }
    return builder.build();
  }
}
