package dev.evently.spring.internal;

import dev.evently.spring.EventlyHandler;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;

/**
 * Collects the {@link EventlyHandler} methods of every bean as it is initialized. The methods are
 * called on the bean as the context holds it (a proxy, if any: {@code @Transactional} handlers
 * work). Thread-safe for the context's initialization.
 */
public final class HandlerMethods implements BeanPostProcessor, EnvironmentAware {
  private final List<HandlerMethod> methods = new ArrayList<>();
  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> target = AopUtils.getTargetClass(bean);
    Map<Method, EventlyHandler> found = MethodIntrospector.selectMethods(target,
        (MethodIntrospector.MetadataLookup<EventlyHandler>)
            m -> AnnotatedElementUtils.findMergedAnnotation(m, EventlyHandler.class));
    if (!found.isEmpty()) {
      List<HandlerMethod> more = new ArrayList<>();
      found.forEach((method, annotation) -> {
        String queue = environment.resolveRequiredPlaceholders(annotation.queue());
        if (queue.isBlank()) {
          throw new IllegalStateException(HandlerMethod.describe(beanName, method) + ": queue must not be blank");
        }
        Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
        more.add(HandlerMethod.of(queue, beanName, bean, method, invocable));
      });
      synchronized (methods) {
        methods.addAll(more);
      }
    }
    return bean;
  }

  /** The methods found so far, in the order their beans were initialized. */
  public List<HandlerMethod> methods() {
    synchronized (methods) {
      return List.copyOf(methods);
    }
  }
}
