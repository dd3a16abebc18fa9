package dev.raftboot.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a bean a replicated Raft group: the bean implements {@link dev.raftboot.node.StateMachine}
 * (commands as bytes) or {@link TypedStateMachine} (commands as objects, encoded by a {@link
 * CommandCodec}), and every node of the cluster applies the same commands to it in the same order.
 *
 * <pre>{@code
 * @RaftStateMachine("orders")
 * class Orders implements TypedStateMachine<OrderCommand, OrderResult> { ... }
 * }</pre>
 *
 * <p>Group names are unique in an application; two beans with one name fail start-up.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RaftStateMachine {
  /** The group's name: letters, digits, '-', '_' and '.'. */
  String value();
}
