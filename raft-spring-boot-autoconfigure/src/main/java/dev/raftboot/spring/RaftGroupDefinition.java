package dev.raftboot.spring;

import dev.raftboot.node.StateMachine;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.ResolvableType;

/**
 * A group the application runs: its name, the bean that holds its state, and how commands reach
 * that bean.
 *
 * @param name the group's name
 * @param bean the application's state-machine bean (what {@link RaftTemplate#read} reads)
 * @param stateMachine what the runtime applies commands to
 * @param codec encodes submitted commands; null when the bean takes raw bytes
 */
public record RaftGroupDefinition(
    String name, Object bean, StateMachine stateMachine, CommandCodec<Object> codec) {

  /**
   * The definition of a {@link StateMachine} or {@link TypedStateMachine} bean.
   *
   * @throws IllegalArgumentException if the bean is neither
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static RaftGroupDefinition of(String name, Object bean, CommandCodecFactory codecs) {
    if (bean instanceof StateMachine sm) {
      return new RaftGroupDefinition(name, bean, sm, null);
    }
    if (bean instanceof TypedStateMachine typed) {
      Class<?> commandType =
          ResolvableType.forClass(AopUtils.getTargetClass(bean))
              .as(TypedStateMachine.class)
              .getGeneric(0)
              .resolve(Object.class);
      CommandCodec<Object> codec = (CommandCodec<Object>) codecs.codecFor(commandType);
      return new RaftGroupDefinition(
          name, bean, new TypedStateMachineAdapter<>(typed, codec), codec);
    }
    throw new IllegalArgumentException(
        "@RaftStateMachine(\""
            + name
            + "\") is on "
            + bean.getClass().getName()
            + ", which implements neither StateMachine nor TypedStateMachine");
  }
}
