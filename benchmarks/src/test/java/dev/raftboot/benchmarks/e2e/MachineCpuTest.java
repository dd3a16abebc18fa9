package dev.raftboot.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MachineCpuTest {

  @Test
  void busyTimeCountsEverythingButIdleAndIoWait() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    MachineCpu before = MachineCpu.parse("cpu  100 0 50 800 50 0 0 0 0 0");
    MachineCpu after = MachineCpu.parse("cpu  160 10 80 850 70 5 5 10 0 0");
    // busy: +60 user +10 nice +30 system +5 irq +5 softirq +10 steal = 120 ticks of 100 Hz
    assertThat(after.busySecondsSince(before)).isCloseTo(1.2, within(1e-9));
    // all: 120 busy + 50 idle + 20 iowait = 190 ticks
    assertThat(after.busyPercentSince(before)).isCloseTo(100.0 * 120 / 190, within(1e-9));
  }

  @Test
  void noTimePassedIsNoneBusy() {
    MachineCpu same = MachineCpu.parse("cpu  1 2 3 4 5 6 7 8");
    assertThat(same.busyPercentSince(same)).isZero();
  }
}
