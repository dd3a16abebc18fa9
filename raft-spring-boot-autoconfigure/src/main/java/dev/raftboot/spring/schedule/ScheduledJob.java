package dev.raftboot.spring.schedule;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.springframework.util.ReflectionUtils;

/**
 * One {@link ScheduledOnce} method, resolved: its name, scheduler group, trigger and policies.
 *
 * @param bean the bean to call the method on
 * @param method the annotated method (no parameter, or one {@link ScheduledOnceContext})
 */
public record ScheduledJob(
    String name,
    String group,
    SlotTrigger trigger,
    Misfire misfire,
    CatchUp catchUp,
    Object bean,
    Method method) {

  /** A description of when the job runs, e.g. {@code fixed rate PT5S}. */
  public String schedule() {
    return trigger.describe();
  }

  /** Calls the method; an exception it throws is rethrown as is. */
  void invoke(ScheduledOnceContext context) throws Exception {
    ReflectionUtils.makeAccessible(method);
    try {
      if (method.getParameterCount() == 0) {
        method.invoke(bean);
      } else {
        method.invoke(bean, context);
      }
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }
}
