package dev.raftboot.spring.autoconfigure;

import dev.raftboot.spring.CommandCodecFactory;
import dev.raftboot.spring.RaftGroupDefinition;
import dev.raftboot.spring.RaftRuntime;
import dev.raftboot.spring.RaftStateMachine;
import java.util.regex.Pattern;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds the {@link RaftStateMachine} beans once all singletons exist and defines a group for each,
 * failing start-up when two beans claim one group or a bean is not a state machine.
 */
class RaftStateMachineRegistrar implements SmartInitializingSingleton, ApplicationContextAware {
  private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private ApplicationContext context;

  @Override
  public void setApplicationContext(ApplicationContext context) throws BeansException {
    this.context = context;
  }

  @Override
  public void afterSingletonsInstantiated() {
    RaftRuntime runtime = context.getBean(RaftRuntime.class);
    CommandCodecFactory codecs =
        context.getBeanProvider(CommandCodecFactory.class).getIfAvailable(NoCodecs::new);
    for (String beanName : context.getBeanNamesForAnnotation(RaftStateMachine.class)) {
      Object bean = context.getBean(beanName);
      RaftStateMachine annotation =
          AnnotatedElementUtils.findMergedAnnotation(
              AopUtils.getTargetClass(bean), RaftStateMachine.class);
      if (annotation == null) {
        continue;
      }
      String group = annotation.value();
      String where = "@RaftStateMachine(\"" + group + "\") on bean '" + beanName + "'";
      if (!GROUP_NAME.matcher(group).matches()) {
        throw new RaftConfigurationException(
            where,
            "the group name is empty, uses characters other than letters, digits, '.', '_', '-', or"
                + " does not start with a letter or digit",
            "Name the group with letters, digits, '.', '_' or '-' (at most 128), starting with a"
                + " letter or digit.");
      }
      try {
        runtime.define(RaftGroupDefinition.of(group, bean, codecs));
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new RaftConfigurationException(
            where,
            e.getMessage(),
            "Give every @RaftStateMachine bean its own group name, and"
                + " make it implement StateMachine or TypedStateMachine.",
            e);
      }
    }
  }

  /** Without Jackson and without a codec bean, typed state machines cannot be used. */
  private static final class NoCodecs implements CommandCodecFactory {
    @Override
    public <C> dev.raftboot.spring.CommandCodec<C> codecFor(Class<C> commandType) {
      throw new IllegalStateException(
          "no CommandCodecFactory bean for commands of type "
              + commandType.getName()
              + ": add Jackson (spring-boot-starter-json) or declare a CommandCodecFactory bean");
    }
  }
}
