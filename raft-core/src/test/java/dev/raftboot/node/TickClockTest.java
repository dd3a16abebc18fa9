package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TickClockTest {

  @Test
  void ticksFallDueOnePerIntervalAndAreTakenOnce() {
    TickClock clock = new TickClock(10, 100, 1_000);
    assertThat(clock.take(1_009)).isZero();
    assertThat(clock.take(1_010)).isEqualTo(1);
    assertThat(clock.take(1_015)).isZero();
    assertThat(clock.take(1_045)).isEqualTo(3);
    assertThat(clock.take(1_049)).isZero();
    assertThat(clock.take(1_050)).isEqualTo(1);
  }

  @Test
  void aLongPauseOwesAtMostTheCatchUpAndTheRestIsForgiven() {
    TickClock clock = new TickClock(10, 21, 0);
    assertThat(clock.take(10_000)).isEqualTo(21);
    assertThat(clock.take(10_005)).isZero();
    assertThat(clock.take(10_010)).isEqualTo(1);
  }

  @Test
  void worksAcrossTheWrapOfTheNanosecondClock() {
    TickClock clock = new TickClock(10, 100, Long.MAX_VALUE - 5);
    assertThat(clock.take(Long.MAX_VALUE)).isZero();
    assertThat(clock.take(Long.MAX_VALUE + 25)).isEqualTo(3);
  }

  @Test
  void refusesAnIntervalOrCatchUpBelowOne() {
    assertThatThrownBy(() -> new TickClock(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TickClock(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
