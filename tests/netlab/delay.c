// delay: the network lab's per-hop delay (the kernel here has no `tc netem`).
//
// Usage: delay QNUM:DELAY_US [QNUM:DELAY_US ...]
//
// Binds the NFQUEUE queues given (in the network namespace it runs in), holds every packet queued
// on QNUM for DELAY_US microseconds after it reached this process, then accepts it. Each packet
// waits exactly its own delay: a packet is never held back by the one before it, and packets are
// released in the order of their release time (arrival + delay) across all queues. Prints "ready"
// on stdout once every queue is bound; exits on SIGTERM/SIGINT after accepting what it holds.
//
// Precision: a packet's arrival is the kernel's receive timestamp (turned on for every socket by
// holding one SO_TIMESTAMPNS socket open), so the ~70 µs it takes to wake this process is part
// of the delay, not added to it; without a timestamp, arrival is when the packet was read. The
// timer slack is 1 ns, the process asks for SCHED_FIFO (best effort), sleeps with ppoll until
// SPIN_NS before a release and spins the last stretch: releases are late by well under a
// microsecond on average (measured: mean 0.1-2 µs; without the spin, 25-50 µs with outliers
// past 1 ms), at the price of up to SPIN_NS of CPU per packet.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_NO_ENOBUFS
#define NETLINK_NO_ENOBUFS 5
#endif

#define MAX_QUEUES 16
#define RING_SIZE (1u << 16) // packets held per queue; power of two
#define SPIN_NS 250000ull    // wake this early and spin the rest (VM wake-ups take ~100 µs)

struct held {
  uint32_t id;
  uint64_t release_ns;
};

struct queue {
  uint16_t num;
  uint64_t delay_ns;
  struct nfq_q_handle *qh;
  struct held ring[RING_SIZE]; // FIFO: constant delay keeps release times in arrival order
  uint32_t head, tail;
  uint64_t overflows;
};

static struct queue queues[MAX_QUEUES];
static int queue_count;
static uint64_t received_ns;    // when the datagram being handled was read (monotonic)
static int64_t received_rt_us; // at most that moment on the realtime clock, as packet stamps are
static volatile sig_atomic_t stopping;

static int64_t realtime_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#define PAIR_SLACK_US 5 // realtime reads this close around a monotonic one make a good pair
#define PAIR_TRIES 4

/**
 * Reads when a datagram was received on both clocks (see on_packet). The realtime clock is read
 * before the monotonic one, never after: an interrupt between the two reads (network softirqs on
 * a busy machine, 100+ µs) then makes a packet's computed age shorter than it was, so it is
 * released late, never early (read after it, such an interrupt makes a release early: two CI runs
 * saw ping's minimum 0.12-0.13 ms under the injected delay). The pair is read again while the
 * realtime reads around the monotonic one are far apart, so the lateness stays a few microseconds.
 */
static void read_received(void) {
  for (int attempt = 1;; attempt++) {
    int64_t before = realtime_us();
    received_ns = now_ns();
    int64_t after = realtime_us();
    received_rt_us = before;
    if (after - before <= PAIR_SLACK_US || attempt == PAIR_TRIES) return;
  }
}

static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

static void accept_packet(struct queue *q, uint32_t id) {
  if (nfq_set_verdict(q->qh, id, NF_ACCEPT, 0, NULL) < 0) {
    fprintf(stderr, "delay: verdict for packet %u on queue %u failed: %s\n", id, q->num,
            strerror(errno));
  }
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa,
                     void *data) {
  (void)qh;
  (void)msg;
  struct queue *q = data;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
  if (!ph) return 0;
  uint32_t id = ntohl(ph->packet_id);
  if (q->tail - q->head == RING_SIZE) {
    q->overflows++;
    accept_packet(q, id); // never strand a packet; the overflow count tells the lab
    return 0;
  }
  uint64_t arrived_ns = received_ns;
  struct timeval stamp;
  if (nfq_get_timestamp(nfa, &stamp) == 0) {
    int64_t age_us = received_rt_us - ((int64_t)stamp.tv_sec * 1000000 + stamp.tv_usec);
    if (age_us > 0 && age_us < 100000) arrived_ns -= (uint64_t)age_us * 1000; // sane clocks only
  }
  struct held *slot = &q->ring[q->tail++ & (RING_SIZE - 1)];
  slot->id = id;
  slot->release_ns = arrived_ns + q->delay_ns;
  return 0;
}

/** The queue whose oldest packet is due first, or NULL when nothing is held. */
static struct queue *earliest(void) {
  struct queue *best = NULL;
  for (int i = 0; i < queue_count; i++) {
    struct queue *q = &queues[i];
    if (q->head == q->tail) continue;
    if (!best ||
        q->ring[q->head & (RING_SIZE - 1)].release_ns <
            best->ring[best->head & (RING_SIZE - 1)].release_ns) {
      best = q;
    }
  }
  return best;
}

/** Accepts every packet due by now; returns the next release time (0 = nothing held). */
static uint64_t release_due(void) {
  for (;;) {
    struct queue *q = earliest();
    if (!q) return 0;
    struct held *h = &q->ring[q->head & (RING_SIZE - 1)];
    uint64_t now = now_ns();
    if (h->release_ns > now) {
      if (h->release_ns - now > SPIN_NS) return h->release_ns;
      while (now_ns() < h->release_ns) {
      }
    }
    accept_packet(q, h->id);
    q->head++;
  }
}

static void release_all(void) {
  for (int i = 0; i < queue_count; i++) {
    struct queue *q = &queues[i];
    while (q->head != q->tail) accept_packet(q, q->ring[q->head++ & (RING_SIZE - 1)].id);
  }
}

static int parse_args(int argc, char **argv) {
  if (argc < 2 || argc - 1 > MAX_QUEUES) return -1;
  for (int i = 1; i < argc; i++) {
    char *end;
    unsigned long num = strtoul(argv[i], &end, 10);
    if (end == argv[i] || *end != ':' || num > 65535) return -1;
    char *us_text = end + 1;
    unsigned long long us = strtoull(us_text, &end, 10);
    if (end == us_text || *end != '\0' || us > 60000000ull) return -1;
    queues[queue_count].num = (uint16_t)num;
    queues[queue_count].delay_ns = us * 1000ull;
    queue_count++;
  }
  return 0;
}

static struct nfq_handle *bind_queues(void) {
  struct nfq_handle *h = nfq_open();
  if (!h) {
    perror("delay: nfq_open");
    return NULL;
  }
  // No-ops on current kernels, required on old ones; failures are harmless.
  nfq_bind_pf(h, AF_INET);
  nfq_bind_pf(h, AF_INET6);
  for (int i = 0; i < queue_count; i++) {
    struct queue *q = &queues[i];
    q->qh = nfq_create_queue(h, q->num, on_packet, q);
    if (!q->qh) {
      fprintf(stderr, "delay: cannot bind queue %u: %s\n", q->num, strerror(errno));
      return NULL;
    }
    if (nfq_set_mode(q->qh, NFQNL_COPY_META, 0) < 0) {
      fprintf(stderr, "delay: cannot set mode on queue %u\n", q->num);
      return NULL;
    }
    nfq_set_queue_maxlen(q->qh, RING_SIZE);
  }
  nfnl_rcvbufsiz(nfq_nfnlh(h), 16 * 1024 * 1024);
  int one = 1;
  setsockopt(nfq_fd(h), SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);
  return h;
}

/** Makes the kernel stamp every received packet (a global switch, kept on while we run). */
static void enable_rx_timestamps(void) {
  int sock = socket(AF_INET, SOCK_DGRAM, 0);
  int on = 1;
  if (sock >= 0) setsockopt(sock, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
}

static void tune_scheduling(void) {
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  struct sched_param param = {.sched_priority = 10};
  sched_setscheduler(0, SCHED_FIFO, &param); // best effort
}

static void serve(struct nfq_handle *h, const sigset_t *wait_mask) {
  static char buf[256 * 1024] __attribute__((aligned));
  struct pollfd pfd = {.fd = nfq_fd(h), .events = POLLIN};
  while (!stopping) {
    uint64_t next = release_due();
    struct timespec ts, *timeout = NULL;
    if (next) {
      uint64_t now = now_ns();
      uint64_t wait = next > now + SPIN_NS ? next - now - SPIN_NS : 0;
      ts.tv_sec = (time_t)(wait / 1000000000ull);
      ts.tv_nsec = (long)(wait % 1000000000ull);
      timeout = &ts;
    }
    int ready = ppoll(&pfd, 1, timeout, wait_mask);
    if (ready < 0 && errno != EINTR) {
      perror("delay: ppoll");
      return;
    }
    if (ready <= 0) continue;
    for (;;) {
      ssize_t n = recv(pfd.fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
        if (errno == ENOBUFS) {
          fprintf(stderr, "delay: netlink buffer overrun, packets lost\n");
          continue;
        }
        perror("delay: recv");
        return;
      }
      read_received();
      nfq_handle_packet(h, buf, (int)n);
    }
  }
}

int main(int argc, char **argv) {
  if (parse_args(argc, argv) < 0) {
    fprintf(stderr, "usage: delay QNUM:DELAY_US [QNUM:DELAY_US ...] (at most %d queues)\n",
            MAX_QUEUES);
    return 2;
  }
  sigset_t blocked, wait_mask;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  sigprocmask(SIG_BLOCK, &blocked, &wait_mask); // signals arrive only inside ppoll: no race
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  struct nfq_handle *h = bind_queues();
  if (!h) return 1;
  enable_rx_timestamps();
  tune_scheduling();
  printf("ready\n");
  fflush(stdout);
  serve(h, &wait_mask);
  release_all();
  uint64_t overflows = 0;
  for (int i = 0; i < queue_count; i++) {
    overflows += queues[i].overflows;
    nfq_destroy_queue(queues[i].qh);
  }
  nfq_close(h);
  if (overflows) fprintf(stderr, "delay: %llu packets passed undelayed (queue full)\n",
                         (unsigned long long)overflows);
  return 0;
}
