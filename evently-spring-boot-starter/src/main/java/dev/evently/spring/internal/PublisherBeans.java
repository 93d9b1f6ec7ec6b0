package dev.evently.spring.internal;

import dev.evently.publish.SnsPublisher;
import dev.evently.spring.EventPublishers;
import dev.evently.spring.EventlyProperties;
import java.util.Map;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers each {@code evently.publishers.<name>} publisher as a bean of its own, named {@code
 * evently.publisher.<name>} and qualified {@code <name>}, taken from {@link EventPublishers} (which
 * builds and closes them: these beans have no destroy method of their own).
 */
public final class PublisherBeans implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {
  private Environment environment;
  private BeanFactory beanFactory;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    Map<String, EventlyProperties.Publisher> publishers = Binder.get(environment)
        .bind("evently.publishers", Bindable.mapOf(String.class, EventlyProperties.Publisher.class))
        .orElse(Map.of());
    for (String name : publishers.keySet()) {
      RootBeanDefinition definition = new RootBeanDefinition(
          SnsPublisher.class, () -> beanFactory.getBean(EventPublishers.class).get(name));
      definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
      definition.setDestroyMethodName(""); // EventPublishers closes it
      registry.registerBeanDefinition("evently.publisher." + name, definition);
    }
  }
}
