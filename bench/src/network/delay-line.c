/*
 * A userspace delay line for kernels without sch_netem (CONFIG_NET_SCH_NETEM), such as
 * some micro-VM kernels: it reads every IP packet the router namespace routes into a TUN
 * device and writes it back, unchanged and in order, once `delay` microseconds have passed
 * since it arrived; the kernel then forwards it to its destination. Every packet between two
 * hosts crosses the router once, so each direction is delayed once: one-way delay = delay.
 *
 * Written here rather than taken from a library because the library for this is netem
 * itself, in the kernel; this is the smallest stand-in (no dependency beyond libc).
 *
 * usage: delay-line <tun name> <delay in us>; a line on stdin with a number sets a new delay;
 * stdin closing (the bench ending or dying) ends it. Packets beyond the queue are dropped,
 * as netem drops beyond its limit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 16384
#define SLOT_BYTES 2048

static unsigned char buffers[SLOTS][SLOT_BYTES];
static ssize_t lengths[SLOTS];
static long long due[SLOTS];

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: delay-line <tun name> <delay us>\n");
    return 2;
  }
  long long delay_ns = atoll(argv[2]) * 1000LL;
  int tun = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
  if (tun < 0) {
    perror("open /dev/net/tun");
    return 1;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
  if (ioctl(tun, TUNSETIFF, &ifr) < 0) {
    perror("TUNSETIFF");
    return 1;
  }
  /* Wake-ups as close to the due time as the kernel allows (default slack: 50 us). */
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  /*
   * netem releases packets from a kernel timer, ahead of any process; on a machine whose
   * cores the benchmark keeps busy, an ordinary process would wake late and inflate every
   * delay. A real-time priority puts the delay line ahead of them too (its work per wake-up is
   * a few system calls). Without the right to it, it runs as it is, and says so.
   */
  struct sched_param param = {.sched_priority = 10};
  if (sched_setscheduler(0, SCHED_FIFO, &param) != 0) perror("sched_setscheduler (delays may run long)");
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  printf("ready\n");
  fflush(stdout);
  size_t head = 0, tail = 0; /* queued: [head, tail) modulo SLOTS */
  /*
   * A timed wake-up comes late (tens of microseconds in a VM): an average of how late, kept
   * as a moving average, is subtracted from the next wake-up, so packets leave at their due
   * time on average rather than always after it. The measured round trip is reported beside
   * every figure all the same.
   */
  long long late_ns = 0, target = 0;
  unsigned long long dropped = 0;
  char line[64];
  size_t line_len = 0;
  for (;;) {
    struct pollfd fds[2] = {{.fd = tun, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
    struct timespec timeout, *wait = NULL;
    if (head != tail) {
      target = due[head % SLOTS] - late_ns;
      long long left = target - now_ns();
      if (left < 0) left = 0;
      timeout.tv_sec = left / 1000000000LL;
      timeout.tv_nsec = left % 1000000000LL;
      wait = &timeout;
    }
    int ready = ppoll(fds, 2, wait, NULL);
    if (ready < 0 && errno != EINTR) {
      perror("ppoll");
      return 1;
    }
    if (ready == 0 && wait != NULL) {
      long long over = now_ns() - target;
      if (over > 0 && over < 1000000) late_ns = (late_ns * 7 + over) / 8;
      /* Never early by more than 0.1 ms, whatever one slow wake-up taught it. */
      if (late_ns > 100000) late_ns = 100000;
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      char chunk[64];
      ssize_t n = read(0, chunk, sizeof(chunk));
      if (n == 0 || (n < 0 && errno != EAGAIN)) break; /* stdin closed: the bench is gone */
      for (ssize_t i = 0; i < n; i++) {
        if (chunk[i] == '\n') {
          line[line_len] = 0;
          delay_ns = atoll(line) * 1000LL;
          line_len = 0;
          printf("delay %lld\n", delay_ns / 1000);
          fflush(stdout);
        } else if (line_len < sizeof(line) - 1) {
          line[line_len++] = chunk[i];
        }
      }
    }
    long long t = now_ns();
    for (;;) {
      static unsigned char scratch[SLOT_BYTES];
      int full = tail - head >= SLOTS;
      ssize_t n = read(tun, full ? scratch : buffers[tail % SLOTS], SLOT_BYTES);
      if (n <= 0) break;
      if (full) {
        dropped++;
        continue;
      }
      lengths[tail % SLOTS] = n;
      due[tail % SLOTS] = t + delay_ns;
      tail++;
    }
    t = now_ns();
    while (head != tail && due[head % SLOTS] <= t + 5000) {
      if (write(tun, buffers[head % SLOTS], lengths[head % SLOTS]) < 0 && errno != EAGAIN) {
        dropped++;
      }
      head++;
    }
  }
  fprintf(stderr, "delay-line: %llu packets dropped\n", dropped);
  return 0;
}
