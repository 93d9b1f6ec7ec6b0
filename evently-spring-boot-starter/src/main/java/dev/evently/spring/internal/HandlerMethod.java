package dev.evently.spring.internal;

import dev.evently.consume.Delivery;
import dev.evently.consume.DeliveryHandler;
import dev.evently.event.Event;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.springframework.core.ResolvableType;
import org.springframework.util.ReflectionUtils;

/**
 * One {@code @EventlyHandler} method as a {@link DeliveryHandler}: takes {@code (T)}, {@code
 * (Event<T>)}, {@code (T, Delivery)} or {@code (Event<T>, Delivery)}. What the method throws is
 * rethrown as it is, so {@code NonRetryableException} keeps its meaning.
 */
public record HandlerMethod(String queue, String beanName, Object bean, Method method, Class<?> eventClass,
    boolean wantsEvent, boolean wantsDelivery) implements DeliveryHandler<Object> {

  /**
   * @param method the method as declared (its generic signature gives the event type)
   * @param invocable the same method as callable on the bean (e.g. on its proxy)
   * @throws IllegalStateException naming the bean and method when the signature is not one of the four
   */
  public static HandlerMethod of(String queue, String beanName, Object bean, Method method, Method invocable) {
    Class<?>[] params = method.getParameterTypes();
    boolean delivery = params.length == 2 && params[1] == Delivery.class;
    if (params.length == 0 || params.length > 2 || (params.length == 2 && !delivery)) {
      throw new IllegalStateException(describe(beanName, method)
          + " must take the event's data or Event<T>, optionally followed by Delivery");
    }
    boolean wantsEvent = params[0] == Event.class;
    Class<?> eventClass = wantsEvent
        ? ResolvableType.forMethodParameter(method, 0).getGeneric(0).resolve()
        : params[0];
    if (eventClass == null || eventClass == Object.class) {
      throw new IllegalStateException(describe(beanName, method)
          + " must name its event type: Event<OrderCreated>, not a raw or wildcard Event");
    }
    ReflectionUtils.makeAccessible(invocable);
    return new HandlerMethod(queue, beanName, bean, invocable, eventClass, wantsEvent, delivery);
  }

  static String describe(String beanName, Method method) {
    return "@EventlyHandler method " + beanName + "." + method.getName();
  }

  public String description() {
    return describe(beanName, method);
  }

  @Override
  public void handle(Event<Object> event, Delivery delivery) throws Exception {
    Object first = wantsEvent ? event : event.data();
    try {
      if (wantsDelivery) {
        method.invoke(bean, first, delivery);
      } else {
        method.invoke(bean, first);
      }
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
