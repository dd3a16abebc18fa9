package dev.raftboot.spring.schedule;

import dev.raftboot.node.RaftGroup;
import dev.raftboot.spring.RaftGroupDefinition;
import dev.raftboot.spring.RaftGroupOpenedListener;
import dev.raftboot.spring.RaftRuntime;
import dev.raftboot.spring.autoconfigure.RaftConfigurationException;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.EmbeddedValueResolverAware;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.util.StringValueResolver;

/**
 * The application's {@link ScheduledOnce} jobs: found on beans as they are created, run by a {@link
 * JobCoordinator} per scheduler group (each group a Raft group of its own, recording claims and
 * history), and listed with their replicated history for the actuator.
 */
public final class ScheduledOnceJobs
    implements BeanPostProcessor,
        SmartInitializingSingleton,
        RaftGroupOpenedListener,
        ApplicationContextAware,
        EmbeddedValueResolverAware,
        DisposableBean {

  private final String defaultGroup;
  private final int historySize;
  private final int maxCatchUp;
  private final Duration pollInterval;
  private final Clock clock;
  private final Map<String, ScheduledJob> jobs = new LinkedHashMap<>();
  private final Map<String, SchedulerStateMachine> states = new ConcurrentHashMap<>();
  private final Map<String, JobCoordinator> coordinators = new ConcurrentHashMap<>();
  private ApplicationContext context;
  private StringValueResolver values;

  public ScheduledOnceJobs(
      String defaultGroup, int historySize, int maxCatchUp, Duration pollInterval, Clock clock) {
    this.defaultGroup = defaultGroup;
    this.historySize = historySize;
    this.maxCatchUp = maxCatchUp;
    this.pollInterval = pollInterval;
    this.clock = clock;
  }

  @Override
  public void setApplicationContext(ApplicationContext context) throws BeansException {
    this.context = context;
  }

  @Override
  public void setEmbeddedValueResolver(StringValueResolver resolver) {
    this.values = resolver;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> type = AopUtils.getTargetClass(bean);
    Map<Method, ScheduledOnce> annotated =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<ScheduledOnce>)
                m -> AnnotatedElementUtils.findMergedAnnotation(m, ScheduledOnce.class));
    annotated.forEach((method, annotation) -> add(resolve(bean, beanName, method, annotation)));
    return bean;
  }

  private synchronized void add(ScheduledJob job) {
    ScheduledJob previous = jobs.putIfAbsent(job.name(), job);
    if (previous != null) {
      throw new RaftConfigurationException(
          "@ScheduledOnce(name = \"" + job.name() + "\")",
          "two methods use the job name: " + previous.method() + " and " + job.method(),
          "Give each @ScheduledOnce method its own name.");
    }
  }

  private ScheduledJob resolve(
      Object bean, String beanName, Method method, ScheduledOnce annotation) {
    String where =
        "@ScheduledOnce on " + method.getDeclaringClass().getSimpleName() + "." + method.getName();
    if (method.getParameterCount() > 1
        || (method.getParameterCount() == 1
            && !method.getParameterTypes()[0].equals(ScheduledOnceContext.class))) {
      throw new RaftConfigurationException(
          where,
          "the method must take no parameter or one ScheduledOnceContext",
          "Change the method's parameters.");
    }
    String cron = resolveText(annotation.cron());
    String rate = resolveText(annotation.fixedRate());
    String delay = resolveText(annotation.fixedDelay());
    int set = (cron.isEmpty() ? 0 : 1) + (rate.isEmpty() ? 0 : 1) + (delay.isEmpty() ? 0 : 1);
    if (set != 1) {
      throw new RaftConfigurationException(
          where,
          "exactly one of cron, fixedRate and fixedDelay must be set (" + set + " are)",
          "Set one of them, e.g. fixedRate = \"5s\".");
    }
    SlotTrigger trigger;
    try {
      if (!cron.isEmpty()) {
        String zone = resolveText(annotation.zone());
        ZoneId zoneId = zone.isEmpty() ? ZoneId.systemDefault() : ZoneId.of(zone);
        trigger = new SlotTrigger.Cron(CronExpression.parse(cron), zoneId, cron);
      } else if (!rate.isEmpty()) {
        trigger = new SlotTrigger.FixedRate(positive(DurationStyle.detectAndParse(rate)));
      } else {
        trigger = new SlotTrigger.FixedDelay(positive(DurationStyle.detectAndParse(delay)));
      }
    } catch (RuntimeException e) {
      throw new RaftConfigurationException(
          where, e.getMessage(), "Use a valid cron expression or a positive duration like 5s.", e);
    }
    String name =
        annotation.name().isEmpty()
            ? beanName + "." + method.getName()
            : resolveText(annotation.name());
    String group = annotation.group().isEmpty() ? defaultGroup : resolveText(annotation.group());
    return new ScheduledJob(
        name, group, trigger, annotation.misfire(), annotation.catchUp(), bean, method);
  }

  private static Duration positive(Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("the period must be positive, was " + d);
    }
    return d;
  }

  private String resolveText(String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    String resolved = values != null ? values.resolveStringValue(text) : text;
    return resolved == null ? "" : resolved.trim();
  }

  @Override
  public void afterSingletonsInstantiated() {
    RaftRuntime runtime = context.getBean(RaftRuntime.class);
    for (String group : groups()) {
      SchedulerStateMachine state = new SchedulerStateMachine(historySize);
      states.put(group, state);
      try {
        runtime.define(new RaftGroupDefinition(group, state, state, null));
      } catch (IllegalStateException e) {
        throw new RaftConfigurationException(
            "@ScheduledOnce(group = \"" + group + "\")",
            e.getMessage(),
            "Scheduler groups need names of their own: rename the @RaftStateMachine group or"
                + " set raft.scheduler.group / @ScheduledOnce(group).",
            e);
      }
    }
  }

  private synchronized List<String> groups() {
    return jobs.values().stream().map(ScheduledJob::group).distinct().toList();
  }

  @Override
  public void opened(RaftGroup group) {
    SchedulerStateMachine state = states.get(group.name());
    if (state == null) {
      return;
    }
    List<ScheduledJob> groupJobs = new ArrayList<>();
    synchronized (this) {
      jobs.values().stream().filter(j -> j.group().equals(group.name())).forEach(groupJobs::add);
    }
    JobCoordinator coordinator =
        new JobCoordinator(group, state, groupJobs, clock, pollInterval, maxCatchUp);
    coordinators.put(group.name(), coordinator);
    group.addListener(coordinator);
  }

  /** Every job, by name. */
  public synchronized Map<String, ScheduledJob> jobs() {
    return Map.copyOf(jobs);
  }

  /** The replicated history of {@code job} as this node has applied it, oldest first. */
  public List<JobRun> history(String job) {
    ScheduledJob j;
    synchronized (this) {
      j = jobs.get(job);
    }
    if (j == null) {
      throw new IllegalArgumentException("no @ScheduledOnce job named " + job);
    }
    SchedulerStateMachine state = states.get(j.group());
    return state == null ? List.of() : state.history(job);
  }

  @Override
  public void destroy() {
    coordinators.values().forEach(JobCoordinator::close);
  }
}
